import { strict as assert } from "node:assert";
import { check, checkField, configStore } from "../../src/store/config-store";
import { openRecord } from "../../src/store/record";
import { utf8Valid } from "../../src/mqtt/utf8";
import { flashStorage, crc } from "../support/ports";
import { FlashStorage } from "../../sim/storage";
import { StorageModule } from "../../src/ports";

const SECRET = "hunter2-very-secret";

// [field, value, ok]
const CASES: [string, any, boolean][] = [
  ["ssid", "home", true],
  ["ssid", "x".repeat(32), true],
  ["ssid", "x".repeat(33), false],
  ["ssid", "", false],
  ["ssid", "Caf\xc3\xa9 \"quoted\" 'x'", true],
  ["ssid", "tab\there", false],
  ["ssid", "nul\0", false],
  ["ssid", "emoji\u{1F600}", false],
  // Text is the UTF-8 bytes a terminal sends: Latin-1 bytes (a terminal set so) are refused, as
  // MQTT would refuse them in a packet.
  ["ssid", "Caf\xe9", false],
  ["topic", "k\xc3\xbcche", true],
  ["topic", "k\xfcche", false],
  ["topic", "\xf0\x9f\x92\xa1/licht", true],
  ["user", "\xce\xa9mega", true],
  ["user", "\xce", false],
  ["pass", "p\xc3\xa4sswort", true],
  ["ssid", 42, false],
  ["password", "", true],
  ["password", "12345678", true],
  ["password", "1234567", false],
  ["password", "p".repeat(63), true],
  ["password", "p".repeat(64), false],
  ["password", "caf\xe9caf\xe9", false],
  ["password", "line\nbreak!", false],
  ["broker", "192.168.1.10", true],
  ["broker", "mqtt.local", true],
  ["broker", "my-broker", true],
  ["broker", "256.1.1.1", false],
  ["broker", "1.2.3", false],
  ["broker", "-bad.host", false],
  ["broker", "bad host", false],
  ["broker", "", false],
  ["broker", "a..b", false],
  ["broker", "host.", false],
  ["broker", ".host", false],
  ["broker", "a-.b", false],
  ["broker", "a.-b", false],
  ["broker", "under_score", false],
  ["broker", "10.0.0.255", true],
  ["broker", "1.2.3.4.5", false],
  ["port", 1883, true],
  ["port", 65535, true],
  ["port", 0, false],
  ["port", 65536, false],
  ["port", 1.5, false],
  ["port", "1883", false],
  ["port", NaN, false],
  ["id", "lightnode-ddeeff", true],
  ["id", "a_b-C9", true],
  ["id", "x".repeat(23), true],
  ["id", "x".repeat(24), false],
  ["id", "", false],
  ["id", "has space", false],
  ["id", "slash/", false],
  ["user", "", true],
  ["pass", "", true],
  ["pass", "any thing", true],
  ["topic", "living_room_lights", true],
  ["topic", "home/+/x", false],
  ["topic", "home/#", false],
  ["topic", "nul\0x", false],
  ["topic", "", false],
  ["keepalive", 30, true],
  ["keepalive", 0, true],
  ["keepalive", -1, false],
  ["telnet", true, true],
  ["telnet", "yes", false],
  ["mode", "toggle", true],
  ["mode", "button", true],
  ["mode", "detached", true],
  ["mode", "flip", false],
  ["power", "last", true],
  ["power", "maybe", false],
  ["retained", false, true],
  ["discovery", 1, false],
  // 4 MB boards only (a 1 MB build has no such fields: "unknown field", tested on the 1 MB shape).
  ["gestures", true, true],
  ["gestures", "yes", false],
  ["tele", 0, true],
  ["tele", 86400, true],
  ["tele", 86401, false],
  ["tele", -1, false],
  ["tele", 2.5, false],
  ["tele", "300", false],
  ["nonsense", 1, false]
];

describe("store/validate", function () {
  for (const [field, value, ok] of CASES) {
    it(`${field} = ${JSON.stringify(value).slice(0, 30)} is ${ok ? "accepted" : "refused"}`, function () {
      const err = checkField(field, value, utf8Valid);
      if (ok) assert.equal(err, undefined);
      else assert.match(err!, new RegExp("^" + field + ": "));
    });
  }

  it("never puts a value in a message", function () {
    for (const f of ["password", "pass", "ssid", "user"]) {
      const err = checkField(f, SECRET + "\n" + "x".repeat(70), utf8Valid);
      assert.ok(err && !err.includes(SECRET), err);
    }
  });

  it("checks a whole config and names the first broken field", function () {
    const s = configStore(
      openRecord(flashStorage().storage, "cfg", 1, crc, () => {}),
      "aabbccdd-eeff",
      () => {},
      utf8Valid
    );
    const c = s.defaults();
    assert.equal(c.id, "lightnode-ddeeff");
    assert.equal(check(c, utf8Valid), "ssid: missing");
    assert.equal(check(Object.assign({}, c, { ssid: "x".repeat(33) }), utf8Valid), "ssid: UTF-8 text of 1-32 bytes");
    Object.assign(c, { ssid: "home", password: SECRET, broker: "10.0.0.2" });
    assert.equal(check(c, utf8Valid), undefined);
    // A missing field and an unknown one are both refused.
    const partial: any = Object.assign({}, c);
    delete partial.topic;
    assert.equal(check(partial, utf8Valid), "topic: UTF-8 text of 1-64 bytes, no + or #");
    assert.equal(check(Object.assign({}, c, { colour: "red" }) as any, utf8Valid), "colour: unknown field");
  });

  it("says what type a field takes when given another (issue 20: config({ssid: 123}))", function () {
    assert.equal(checkField("ssid", 123, utf8Valid), "ssid: UTF-8 text of 1-32 bytes");
    assert.equal(checkField("topic", ["a"], utf8Valid), "topic: UTF-8 text of 1-64 bytes, no + or #");
    assert.equal(checkField("port", "1883", utf8Valid), "port: integer 1-65535");
    assert.equal(checkField("retained", "yes", utf8Valid), "retained: true or false");
  });
});

describe("store/config-store", function () {
  let storage: StorageModule;
  let flash: FlashStorage;
  let log: string[];
  const open = () =>
    configStore(
      openRecord(storage, "cfg", 1, crc, (l) => log.push(l)),
      "aabbccdd-eeff",
      (l) => log.push(l),
      utf8Valid
    );
  const valid = () => Object.assign(open().defaults(), { ssid: "home", password: SECRET, broker: "mqtt.local" });

  beforeEach(function () {
    ({ storage, flash } = flashStorage());
    log = [];
  });

  it("saves and loads a valid config", function () {
    assert.equal(open().save(valid()), undefined);
    assert.deepEqual(open().load(), valid());
  });

  it("refuses to save an invalid config and keeps the old one", function () {
    open().save(valid());
    const bad = Object.assign(valid(), { port: 0 });
    assert.equal(open().save(bad), "port: integer 1-65535");
    assert.equal(flash.writes, 1);
    assert.equal(open().load()!.port, 1883);
  });

  it("reports a failed flash write", function () {
    flash.failNextWrite("false");
    assert.equal(open().save(valid()), "flash write failed");
  });

  it("treats a stored record that breaks a rule as absent, reports it, overwrites nothing", function () {
    // A record with a valid checksum but invalid content (e.g. written by a buggy firmware).
    openRecord(storage, "cfg", 1, crc, () => {}).write(Object.assign(valid(), { port: 99999 }));
    const files = () => JSON.stringify(flash.names().map((n) => [n, flash.get(n)]));
    const before = files();
    assert.equal(open().load(), undefined);
    assert.deepEqual(log, ["cfg: port: integer 1-65535"]);
    assert.equal(files(), before);
    assert.ok(!log.join().includes(SECRET));
  });

  it("fills fields missing from an older record with defaults", function () {
    const old: any = valid();
    delete old.discovery;
    delete old.mode;
    openRecord(storage, "cfg", 1, crc, () => {}).write(old);
    const c = open().load()!;
    assert.equal(c.discovery, true);
    assert.equal(c.mode, "toggle");
  });

  it("erase forgets the config", function () {
    open().save(valid());
    open().erase();
    assert.equal(open().load(), undefined);
  });
});
