// A power-cut-safe record on Espruino Storage. Storage.write erases a file before writing it, so a
// record lives in two slots ("<name>.0", "<name>.1"), each holding JSON {v: version, s: sequence
// number, c: checksum, d: data}, with d kept as a JSON string so the checksum covers exactly the
// stored bytes. A write goes to the slot NOT holding the newest valid record: a cut at any point
// leaves the old or the new one.
import { Print, StorageModule } from "../ports";

export interface Record {
  // The data of the valid slot with the highest sequence number, or undefined; rejected slots are
  // logged.
  read(quiet?: boolean): any;
  // Writes and reads back (a false from Storage.write shows there too); false when Storage failed (the previous record is still there).
  write(data: any): boolean;
  erase(): void;
}

// `log` hears why a slot was rejected: "<name>.<i>: corrupt | checksum | version".
export function openRecord(
  storage: StorageModule,
  name: string,
  version: number,
  crc: (s: string) => number,
  log: Print
): Record {
  // The newest valid slot's sequence number (0: none) and slot number (1 when none, so that the
  // first write goes to slot 0), as the last read found them.
  var seq: number;
  var slot: number;

  // The data of the newest valid slot, or undefined; `quiet` when write() looks for its slot.
  function newest(quiet?: boolean) {
    var data: any;
    seq = 0;
    slot = 1;
    for (var i = 0; i < 2; i++) {
      var file = name + "." + i;
      var text = storage.read(file);
      var why = "corrupt";
      if (!text) continue;
      try {
        var r = JSON.parse(text);
        why = r.v !== version ? "version" : r.c !== crc(r.s + " " + r.d) ? "checksum" : "";
        if (!why && !(seq > r.s)) {
          data = JSON.parse(r.d);
          seq = r.s;
          slot = i;
        }
      } catch (e) {}
      if (why && !quiet) log(file + ": " + why);
    }
    return data;
  }

  return {
    read: newest,
    write: function (data: any) {
      newest(true);
      var s = seq + 1;
      var file = name + "." + (1 - slot);
      var d = JSON.stringify(data);
      var text = JSON.stringify({ v: version, s: s, c: crc(s + " " + d), d: d });
      try {
        storage.write(file, text);
        return storage.read(file) === text;
      } catch (e) {
        return false;
      }
    },
    erase: function () {
      storage.erase(name + ".0");
      storage.erase(name + ".1");
    }
  };
}
