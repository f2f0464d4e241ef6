// A power-cut-safe record on Espruino Storage. Storage.write erases a file before writing it, so a
// record lives in two slots ("<name>.0", "<name>.1"), each holding JSON {v, seq, crc, data}, with
// data kept as a JSON string so the checksum covers exactly the stored bytes. A write goes to the
// slot NOT holding the newest valid record: a cut at any point leaves the old or the new one.
import { Print, StorageModule } from "../ports";

export interface Record {
  // The data of the valid slot with the highest seq, or undefined; rejected slots are logged.
  read(): any;
  // Writes and reads back; false when Storage failed (the previous record is still there).
  write(data: any): boolean;
  erase(): void;
}

interface Slot {
  i: number;
  seq: number;
  data: any;
}

// `log` hears why a slot was rejected: "<name>.<i>: corrupt | checksum | version".
export function openRecord(storage: StorageModule, name: string, version: number, crc: (s: string) => number, log: Print): Record {
  function sum(seq: number, data: string) {
    return crc(version + "," + seq + "," + data);
  }

  function load(i: number, quiet?: boolean): Slot | undefined {
    var file = name + "." + i;
    var text = storage.read(file);
    if (text === undefined) return;
    var why = "corrupt";
    try {
      var r = JSON.parse(text);
      if (r.v !== version) why = "version";
      else if (typeof r.data == "string" && r.crc === sum(r.seq, r.data)) return { i: i, seq: r.seq, data: JSON.parse(r.data) };
      else why = "checksum";
    } catch (e) {}
    if (!quiet) log(file + ": " + why);
    return;
  }

  function newest(quiet?: boolean) {
    var a = load(0, quiet);
    var b = load(1, quiet);
    return a && (!b || a.seq > b.seq) ? a : b;
  }

  return {
    read: function () {
      var s = newest();
      return s && s.data;
    },
    write: function (data: any) {
      var s = newest(true);
      var seq = s ? s.seq + 1 : 1;
      var file = name + "." + (s ? 1 - s.i : 0);
      var json = JSON.stringify(data);
      var text = JSON.stringify({ v: version, seq: seq, crc: sum(seq, json), data: json });
      try {
        return storage.write(file, text) !== false && storage.read(file) === text;
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
