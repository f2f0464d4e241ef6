// The configuration's declared field list (src/config.table.ts) and what the firmware reads of it.
import { utf8Valid } from "../../src/mqtt/utf8";
import { strict as assert } from "node:assert";
import { fields } from "../../src/config";
import {
  ASKED_FIELDS,
  FIELDS,
  FIELD_RULES,
  LINK_FIELDS,
  WIFI_FIELDS,
  Use,
  fieldDefaults
} from "../../src/config.table";
import { configStore } from "../../src/store/config-store";
import { openRecord } from "../../src/store/record";
import { crc, flashStorage } from "../support/ports";

describe("config fields", function () {
  it("lists the fields in their declared order, each with its rule and default", function () {
    assert.deepEqual(fields(), [
      "ssid",
      "password",
      "broker",
      "port",
      "id",
      "user",
      "pass",
      "topic",
      "keepalive",
      "telnet",
      "mode",
      "power",
      "retained",
      "discovery",
      "key",
      "gestures",
      "tele"
    ]);
    assert.equal(FIELD_RULES.split(" ").length, fields().length);
    assert.equal(fieldDefaults().length, fields().length);
  });

  // The runner compares the first LINK_FIELDS by position, setup() asks the first ASKED_FIELDS.
  it("counts the fields of each use from the start: Wi-Fi 2, asked by setup() 7, the links 9", function () {
    assert.deepEqual([WIFI_FIELDS, ASKED_FIELDS, LINK_FIELDS], [2, 7, 9]);
    const uses = fields().map((k) => (FIELDS as any)[k].use);
    assert.deepEqual(
      uses,
      [...uses].sort((a, b) => a - b),
      "uses in blocks"
    );
    assert.ok(uses.slice(0, LINK_FIELDS).every((u: Use) => u != Use.NODE));
  });

  it("a new store's defaults are the declared ones, the client id ending with the MAC", function () {
    const store = configStore(
      openRecord(flashStorage().storage, "cfg", 1, crc, () => {}),
      "aabbccdd-eeff",
      () => {},
      utf8Valid
    );
    const c: any = store.defaults();
    assert.deepEqual(Object.keys(c), fields());
    fields().forEach((k, i) => assert.equal(c[k], k == "id" ? "lightnode-ddeeff" : fieldDefaults()[i], k));
  });
});
