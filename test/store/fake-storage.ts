// Espruino Storage's behaviour as far as the record store depends on it: files are strings,
// write() erases the old file before writing the new one, read() of a missing file is undefined.
// `cutAt` simulates a power cut at a given step of the next write(s): after the erase (step 1) or
// after half the data (step 2); `fail` makes write() return false without touching anything.
import { crc32 } from "node:zlib";
import { StorageModule } from "../../src/ports";

export const crc = (s: string) => crc32(Buffer.from(s, "latin1"));

export class PowerCut extends Error {}

export class FakeStorage implements StorageModule {
  files: { [name: string]: string } = {};
  writes = 0;
  cutAt = 0;
  fail = false;

  read(name: string) {
    return this.files[name];
  }
  readJSON(name: string, noExceptions: boolean) {
    try {
      return JSON.parse(this.files[name]);
    } catch (e) {
      if (!noExceptions) throw e;
    }
  }
  write(name: string, data: string) {
    if (this.fail) return false;
    this.writes++;
    delete this.files[name];
    if (this.cutAt === 1) throw new PowerCut("cut after erase");
    if (this.cutAt === 2) {
      this.files[name] = data.slice(0, data.length >> 1);
      throw new PowerCut("cut mid-write");
    }
    this.files[name] = data;
    return true;
  }
  writeJSON(name: string, data: any) {
    return this.write(name, JSON.stringify(data));
  }
  erase(name: string) {
    delete this.files[name];
  }
  list() {
    return Object.keys(this.files);
  }
}
