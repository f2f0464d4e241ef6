import { strict as assert } from "node:assert";
import { Ev, In } from "../../src/conn/types";
import { MqttEvent } from "../../src/mqtt/api";

describe("conn/types", function () {
  // net.ts hands the client `input` as its event callback: each event must arrive as the input
  // of the same meaning, and CONNECTED is dispatched to the machine as its MQTT_UP.
  it("the MQTT client's events are the runner's inputs of the same meaning", function () {
    assert.equal(MqttEvent.CONNECTED as number, In.MQTT_UP as number);
    assert.equal(MqttEvent.CONNECTED as number, Ev.MQTT_UP as number);
    assert.equal(MqttEvent.DRAINED as number, In.LEFT as number);
    assert.equal(MqttEvent.CLOSED as number, In.MQTT_CLOSE as number);
    assert.equal(MqttEvent.DROPPED as number, In.DROPPED as number);
    assert.equal(MqttEvent.TICK as number, In.TICK as number);
  });

  // The runner tells inputs apart by number alone.
  it("every input has a number of its own", function () {
    const inputs = [
      In.OFFLINE,
      In.CONNECT,
      In.WATCHDOG,
      In.TIMER,
      In.MQTT_UP,
      In.START,
      In.CONFIG,
      In.LEFT,
      In.MQTT_CLOSE,
      In.JOINED,
      In.WIFI_GONE,
      In.DROPPED,
      In.TICK
    ];
    assert.equal(new Set(inputs).size, inputs.length);
    // Those past the machine's events are not taken for one.
    for (const i of [In.START, In.CONFIG, In.LEFT, In.MQTT_CLOSE, In.JOINED, In.WIFI_GONE, In.DROPPED, In.TICK])
      assert.ok(i > Ev.MQTT_LOST, String(i));
  });
});
