import { strict as assert } from "node:assert";
import { In } from "../../src/conn/types";
import { MqttEvent } from "../../src/mqtt/api";

describe("conn/types", function () {
  // net.ts hands the client `input` as its event callback: each event must arrive as the input
  // of the same meaning.
  it("the MQTT client's events are the runner's inputs of the same meaning", function () {
    assert.equal(MqttEvent.CONNECTED as number, In.MQTT_UP as number);
    assert.equal(MqttEvent.DRAINED as number, In.LEFT as number);
    assert.equal(MqttEvent.CLOSED as number, In.MQTT_CLOSE as number);
    assert.equal(MqttEvent.DROPPED as number, In.DROPPED as number);
  });
});
