// A power-cut-safe record on Espruino Storage. Storage.write erases a file before writing it, so a
// record lives in two slots ("<name>.0", "<name>.1"), each holding JSON {v: version, s: sequence
// number, c: checksum, d: data}, with d kept as a JSON string so the checksum covers exactly the
// stored bytes. A write goes to the slot NOT holding the newest valid record: a cut at any point
// leaves the old or the new one.
import { Print, StorageModule } from "../ports";

export interface Record {
  // The data of the valid slot with the highest sequence number, or undefined; rejected slots are
  // logged.
  read(): any;
  // Writes and reads back (a false from Storage.write shows there too); false when Storage failed (the previous record is still there).
  write(data: any): boolean;
  erase(): void;
}

// `log` hears why a slot was rejected: "<name>.<i>: corrupt | checksum | version".
export function openRecord(storage: StorageModule, name: string, version: number, crc: (s: string) => number, log: Print): Record {
  // The newest valid slot as its record {v, s, c, d: parsed data, i: slot}, or undefined.
  function newest(quiet?: boolean) {
    var best: any;
    for (var i = 0; i < 2; i++) {
      var file = name + "." + i;
      var text = storage.read(file);
      var why = "corrupt";
      if (!text) continue;
      try {
        var r = JSON.parse(text);
        why = r.v !== version ? "version" : r.c !== crc(r.s + " " + r.d) ? "checksum" : "";
        r.d = JSON.parse(r.d);
        r.i = i;
        if (!why && !(best && best.s > r.s)) best = r;
      } catch (e) {}
      if (why && !quiet) log(file + ": " + why);
    }
    return best;
  }

  return {
    read: function () {
      var b = newest();
      return b && b.d;
    },
    write: function (data: any) {
      var b = newest(true);
      var s = b ? b.s + 1 : 1;
      var file = name + "." + (b ? 1 - b.i : 0);
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
