// Espruino's Storage (the flash file system), persisted in `<dataDir>/storage.json` so it survives
// a simulator restart (without dataDir, for unit tests: in memory). As on the board (jsflash.c):
// names are silently cut to 28 characters, rewriting a file erases the old one first, erased space
// is only reclaimed by compacting (done when a write does not fit), and a failed write throws
// "Unable to find or create file".
// Test side (FlashStorage): get/put/remove/names, failNextWrite, powerCutDuringNextWrite, corrupt.
import { readFileSync, writeFileSync, renameSync, mkdirSync, existsSync } from "node:fs";
import path from "node:path";
import { Env } from "./realm";
import { Runtime, PowerCut } from "./runtime";

const NAME_MAX = 28;
// Each file costs a header in flash, and sizes round up to 4 bytes (Espruino's jsflash.c).
const HEADER_BYTES = 32;

export type WriteFault = "throw" | "false" | "power-cut";

export interface StorageOptions {
  // Where storage.json lives; none: nothing persists.
  dataDir?: string;
  // Usable bytes of the Storage area (the 4 MB ESP8266 build has far more; small keeps tests honest).
  capacity?: number;
}

function footprint(bytes: number): number {
  return HEADER_BYTES + ((bytes + 3) & ~3);
}

export class FlashStorage {
  private files: { [name: string]: Buffer } = {};
  private trash = 0;
  private fault: WriteFault | null = null;
  private cutCountdown = 0;
  // A power cut's moment: right after the old file is erased, or half-way through the new data.
  private cutAt: "erase" | "data" = "erase";
  // Counts of firmware-side mutations, for tests ("nothing was written").
  writes = 0;
  erases = 0;
  // The file of each firmware write, in order (tests pick cut points from it).
  readonly writeLog: string[] = [];
  readonly capacity: number;
  private readonly file: string | null;
  // Called when a power cut fires: the simulator stops the board.
  onPowerCut: () => void = () => {};
  // Observers of every change of the stored files (the web page's board panel reads the flash).
  changeListeners: Array<() => void> = [];

  constructor(options: StorageOptions = {}) {
    this.capacity = options.capacity || 64 * 1024;
    this.file = options.dataDir ? path.join(options.dataDir, "storage.json") : null;
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    if (this.file && existsSync(this.file)) {
      const saved = JSON.parse(readFileSync(this.file, "utf8"));
      for (const name of Object.keys(saved.files)) this.files[name] = Buffer.from(saved.files[name], "base64");
      this.trash = saved.trash || 0;
    }
  }

  // ---- test side ------------------------------------------------------------------------------

  // The stored bytes as an 8-bit string, or undefined.
  get(name: string): string | undefined {
    const b = this.files[name.slice(0, NAME_MAX)];
    return b ? b.toString("latin1") : undefined;
  }

  put(name: string, data: string): void {
    this.files[name.slice(0, NAME_MAX)] = Buffer.from(data, "latin1");
    this.persist();
  }

  remove(name: string): void {
    delete this.files[name.slice(0, NAME_MAX)];
    this.persist();
  }

  names(): string[] {
    return Object.keys(this.files);
  }

  // The next firmware write fails: "throw" (as when the area is full), "false" (write returns false).
  failNextWrite(mode: "throw" | "false" = "throw"): void {
    this.fault = mode;
  }

  // The next firmware write loses power and the board dies: right after the old file was erased
  // (it is gone), or half-way through the data (the file has its full size, the rest reads as
  // erased flash, 0xff).
  powerCutDuringNextWrite(at: "erase" | "data" = "erase"): void {
    this.fault = "power-cut";
    this.cutAt = at;
  }

  // The same at the n-th firmware write from now (1: the next one), for sweeps over every write of
  // a longer operation (an update: its chunks, its records).
  powerCutAtWrite(n: number, at: "erase" | "data" = "erase"): void {
    this.cutCountdown = n;
    this.cutAt = at;
  }

  // Damages a stored file as flash wear would: XORs one byte (the middle one by default).
  corrupt(name: string, options: { at?: number; xor?: number } = {}): void {
    const b = this.files[name.slice(0, NAME_MAX)];
    if (!b || b.length === 0) throw new Error("corrupt: no stored file " + JSON.stringify(name));
    const at = options.at === undefined ? b.length >> 1 : options.at;
    b[at] ^= options.xor === undefined ? 0xff : options.xor;
    this.persist();
  }

  used(): number {
    return Object.keys(this.files).reduce((n, k) => n + footprint(this.files[k].length), 0);
  }

  // ---- firmware side -------------------------------------------------------------------------

  module(realm: Env, runtime: Runtime): any {
    const s = this;
    const fail = (msg: string) => realm.error(msg);
    const key = (name: any) => {
      const n = String(name);
      if (!n.length) throw fail("Name must be > 0 chars");
      return n.slice(0, NAME_MAX);
    };
    return realm.obj({
      read(name: any, offset?: number, length?: number) {
        runtime.check();
        const b = s.files[key(name)];
        if (!b) return undefined;
        const start = offset || 0;
        return b.toString("latin1", start, length === undefined ? b.length : start + length);
      },
      readJSON(name: any, noExceptions?: boolean) {
        runtime.check();
        const b = s.files[key(name)];
        if (!b) return undefined;
        try {
          return realm.global.JSON.parse(b.toString("latin1"));
        } catch (err) {
          if (noExceptions) return undefined;
          throw err;
        }
      },
      write(name: any, data: any, offset?: number, size?: number) {
        runtime.check();
        return s.write(realm, key(name), s.bytes(realm, data), offset, size);
      },
      writeJSON(name: any, data: any) {
        runtime.check();
        return s.write(realm, key(name), Buffer.from(String(realm.global.JSON.stringify(data)), "latin1"));
      },
      erase(name: any) {
        runtime.check();
        s.erase(key(name));
      },
      getFree() {
        runtime.check();
        return s.capacity - s.used() - s.trash;
      },
      // Reclaims the erased space (on the board: every page rewritten through RAM; here at once).
      compact() {
        runtime.check();
        s.trash = 0;
        s.persist();
      },
      list(pattern?: any) {
        runtime.check();
        const names = Object.keys(s.files).filter(
          (n) => !pattern || (typeof pattern === "string" ? n.indexOf(pattern) >= 0 : pattern.test(n))
        );
        return realm.copy(names);
      }
    });
  }

  // Data as the board stores it: strings keep the low byte of each char; arrays/typed arrays bytes.
  private bytes(realm: Env, data: any): Buffer {
    if (typeof data === "string") return Buffer.from(data, "latin1");
    if (data instanceof realm.global.ArrayBuffer) return Buffer.from(new Uint8Array(data));
    if (data && typeof data === "object" && typeof data.length === "number") {
      const b = Buffer.alloc(data.length);
      for (let i = 0; i < data.length; i++) b[i] = data[i] & 0xff;
      return b;
    }
    return Buffer.from(String(data), "latin1");
  }

  private erase(name: string): void {
    const old = this.files[name];
    if (!old) return;
    this.erases++;
    this.trash += footprint(old.length);
    delete this.files[name];
    this.persist();
  }

  private write(realm: Env, name: string, data: Buffer, offset?: number, size?: number): boolean {
    this.writes++;
    this.writeLog.push(name);
    if (this.cutCountdown && --this.cutCountdown === 0) this.fault = "power-cut";
    const fault = this.fault;
    this.fault = null;
    // A write into a file created earlier with a size (Storage.write(name, data, offset, size)).
    const existing = this.files[name];
    const partial = offset !== undefined && offset > 0 && existing !== undefined;
    if (fault === "power-cut" && partial) {
      // Flash written in place: nothing erased; cut during the data, its first half is there.
      if (this.cutAt === "data") data.copy(existing, offset, 0, Math.min(data.length >> 1, existing.length - offset!));
      this.persist();
      this.onPowerCut();
      throw new PowerCut();
    }
    if (fault === "power-cut") {
      this.erase(name);
      if (this.cutAt === "data") {
        const b = Buffer.alloc(Math.max(size || 0, data.length), 0xff);
        data.copy(b, 0, 0, data.length >> 1);
        this.files[name] = b;
        this.persist();
      }
      this.onPowerCut();
      throw new PowerCut();
    }
    if (fault === "false") return false;
    if (fault === "throw") throw realm.error("Unable to find or create file");
    if (partial) {
      data.copy(existing, offset, 0, Math.min(data.length, existing.length - offset!));
      this.persist();
      return true;
    }
    const total = Math.max(size || 0, data.length + (offset || 0));
    this.erase(name);
    if (footprint(total) > this.capacity - this.used() - this.trash) this.trash = 0;
    if (footprint(total) > this.capacity - this.used()) {
      this.persist();
      throw realm.error("Unable to find or create file");
    }
    const b = Buffer.alloc(total, 0xff);
    data.copy(b, offset || 0);
    this.files[name] = b;
    this.persist();
    return true;
  }

  private persist(): void {
    for (const l of this.changeListeners.slice()) l();
    if (!this.file) return;
    const files: { [name: string]: string } = {};
    for (const n of Object.keys(this.files)) files[n] = this.files[n].toString("base64");
    const tmp = this.file + ".tmp";
    writeFileSync(tmp, JSON.stringify({ files, trash: this.trash }));
    renameSync(tmp, this.file);
  }
}
