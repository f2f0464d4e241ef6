// The node's MQTT contract: topic names under the base, command payloads, and the retained
// documents it announces (Home Assistant discovery, diagnostics).

export var ON = "on";
export var OFF = "off";
export var ONLINE = "online";
export var HA_STATUS = "homeassistant/status";

// Command payloads, compared in lower case after trimming. 2 means toggle.
var COMMANDS: { [p: string]: number } = { on: 1, off: 0, "1": 1, "0": 0, true: 1, false: 0, toggle: 2 };

// 1 on, 0 off, 2 toggle, -1 not a command.
export function parseCommand(payload: string): number {
  var key = payload.trim().toLowerCase();
  return COMMANDS.hasOwnProperty(key) ? COMMANDS[key] : -1;
}

export function stateTopic(base: string) {
  return base + "/state";
}

export function statusTopic(base: string) {
  return base + "/status";
}

export function infoTopic(base: string) {
  return base + "/info";
}

export function discoveryTopic(id: string) {
  return "homeassistant/light/" + id + "/config";
}

// Home Assistant's MQTT light, default ("basic") schema. State payloads equal the command ones,
// so no value template is needed; QoS 1 matches what the node subscribes and publishes with.
export function discovery(base: string, id: string, version: string): string {
  return JSON.stringify({
    name: null,
    unique_id: id,
    command_topic: base,
    state_topic: stateTopic(base),
    availability_topic: statusTopic(base),
    payload_on: ON,
    payload_off: OFF,
    payload_available: ONLINE,
    payload_not_available: "offline",
    qos: 1,
    retain: false,
    device: { identifiers: [id], name: base, sw_version: version, model: "lightnode", manufacturer: "lightnode" }
  });
}
