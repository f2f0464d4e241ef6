// The node's configuration in flash: one record ("cfg"), and the rules it obeys, checked on every
// write and every read. An invalid record is reported and treated as absent, never overwritten by
// a read. Error messages name the field and the rule, never the value (it may be a password).
import { Config, fields } from "../config";
import { FIELD_RULES, fieldDefaults } from "../config.table";
import { Print } from "../ports";
import { Record } from "./record";

// Letters, digits, '-' and '.', no empty label, no label starting or ending with '-' (checked on
// the name framed by dots); an all-digit-and-dot name must be IPv4. Espruino's regexes read '.' in
// a class as "any char" and "x-]" as a range, hence "\." and a leading '-'.
function host(v: string) {
  var p = v.split(".");
  return (
    !/[^-0-9A-Za-z\.]|\.\.|\.-|-\./.test("." + v + ".") &&
    (/[^0-9\.]/.test(v) ||
      (p.length == 4 &&
        p.every(function (n) {
          return +n < 256;
        })))
  );
}

// The broken rule of one field, as "field: rule", or undefined when the value is fine. n is the
// value of an integer, the length of a text (n != n: NaN). Text is the bytes the console was sent
// (one char per byte), without control chars, and well-formed UTF-8 as MQTT requires of its
// strings (`isUtf8`: src/mqtt/utf8.ts utf8Valid, lent by the firmware, so that the console's file
// carries no second copy of it); a passphrase printable ASCII.
export function checkField(field: string, v: any, isUtf8: (s: string) => boolean): string | undefined {
  // The field's rule (config.table.ts says what its kinds and bounds mean), from the rules packed
  // as one string: a string stays in flash with the code, a table would be built in RAM. Each
  // array lives only while it is indexed, one after the other: a configuration is checked field by
  // field inside the console's run, where the firmware's RAM peaks, and 14 names held cost about
  // 40 variables (measured on espruino-esp8266-4mb).
  var at = fields().indexOf(field);
  var rule = FIELD_RULES.split(" ")[at];
  if (!rule) return field + ": unknown field";
  var k = rule[0];
  var range = rule.slice(1);
  // A required text left empty (a fresh board's ssid and broker) is missing, not too short.
  if (v === "" && k != "p" && range[0] != "0") return field + ": missing";
  var r = range.split("-");
  if (typeof v == (k == "i" ? "number" : k == "b" ? "boolean" : "string")) {
    var n = k == "i" ? v : v.length;
    if (
      (k == "p" && !v) ||
      (!(
        n % 1 ||
        n < +r[0] ||
        n > +r[1] ||
        n != n ||
        (k == "p" ? /[^ -~]/ : /[^ -~\x80-\xff]/).test(v) ||
        !isUtf8(v)
      ) &&
        (k == "|"
          ? rule.split("|").indexOf(v) > 0
          : k == "h"
            ? host(v)
            : k == "d"
              ? !/[^-0-9A-Za-z_]/.test(v)
              : k != "t" || !/[+#]/.test(v)))
    )
      return;
  }
  // The rule of each kind (in the order of "sphdtib|") in words; # stands for the bounds (or the
  // listed values).
  return (
    field +
    ": " +
    "UTF-8 text of # bytes;# ASCII chars or empty;host name or IPv4;# of 0-9A-Za-z_-;UTF-8 text of # bytes, no + or #;integer #;true or false;#"
      .split(";")
      ["sphdtib|".indexOf(k)].replace("#", range)
  );
}

// The first broken rule of a whole configuration (a missing field, then an unknown one), or
// undefined when it is valid. Field by field, holding no array of their names (see checkField).
export function check(c: Config, isUtf8: (s: string) => boolean): string | undefined {
  var e: string | undefined,
    k: string,
    i = 0;
  while (!e && (k = fields()[i++])) e = checkField(k, (c as any)[k], isUtf8);
  for (k in c) e = e || checkField(k, (c as any)[k], isUtf8);
  return e;
}

export interface ConfigStore {
  // The valid stored configuration, or undefined (why is logged).
  load(): Config | undefined;
  // The first broken rule, "flash write failed", or undefined once saved.
  save(c: Config): string | undefined;
  erase(): void;
  // Defaults for every field; ssid, password and broker empty (so not yet valid).
  defaults(): Config;
}

// `rec` is the record "cfg" (openRecord(storage, "cfg", 1, crc, log)): the console's file gets the
// firmware's own openRecord rather than a second copy of it. `serial` is getSerial(),
// "aabbccdd-eeff": the default client id ends with the MAC's last 3 bytes. `isUtf8` as checkField's.
export function configStore(rec: Record, serial: string, log: Print, isUtf8: (s: string) => boolean): ConfigStore {
  // The declared defaults (config.table.ts), the client id's ending with the chip's MAC.
  function defaults(): Config {
    var c: any = {};
    var v = fieldDefaults();
    for (var i = 0, k; (k = fields()[i]); i++) c[k] = v[i];
    c.id += serial.replace("-", "").slice(-6);
    return c;
  }
  return {
    defaults: defaults,
    // Fields missing from a record of an older firmware take their defaults; unknown ones are dropped.
    load: function () {
      var data = rec.read();
      var c: any = defaults();
      var e;
      if (!data) return;
      for (var k in c) if (k in data) c[k] = data[k];
      if (!(e = check(c, isUtf8))) return c;
      log("cfg: " + e);
    },
    save: function (c) {
      return check(c, isUtf8) || (rec.write(c) ? undefined : "flash write failed");
    },
    erase: rec.erase
  };
}
