// How Home Assistant reads an MQTT discovery config, for checking the node's: the abbreviations
// it expands (from homeassistant/components/mqtt/abbreviations.py, the entries a basic-schema
// light can use) and the fields that schema knows. A key it does not know stays unexpanded and
// fails the field check.
const ABBREVIATIONS: { [short: string]: string } = {
  avty: "availability",
  avty_mode: "availability_mode",
  avty_t: "availability_topic",
  avty_tpl: "availability_template",
  cmd_t: "command_topic",
  dev: "device",
  en: "enabled_by_default",
  ent_cat: "entity_category",
  ic: "icon",
  json_attr_t: "json_attributes_topic",
  name: "name",
  obj_id: "object_id",
  on_cmd_type: "on_command_type",
  opt: "optimistic",
  pl_avail: "payload_available",
  pl_not_avail: "payload_not_available",
  pl_off: "payload_off",
  pl_on: "payload_on",
  ret: "retain",
  stat_t: "state_topic",
  stat_val_tpl: "state_value_template",
  uniq_id: "unique_id"
};
const DEVICE_ABBREVIATIONS: { [short: string]: string } = {
  cns: "connections",
  cu: "configuration_url",
  ids: "identifiers",
  name: "name",
  mf: "manufacturer",
  mdl: "model",
  sw: "sw_version",
  sa: "suggested_area"
};
// Fields of the light's default ("basic") schema without brightness/colour, and of its device.
export const LIGHT_FIELDS = [
  "availability",
  "availability_mode",
  "availability_template",
  "availability_topic",
  "command_topic",
  "device",
  "enabled_by_default",
  "entity_category",
  "icon",
  "json_attributes_topic",
  "name",
  "object_id",
  "on_command_type",
  "optimistic",
  "payload_available",
  "payload_not_available",
  "payload_off",
  "payload_on",
  "qos",
  "retain",
  "schema",
  "state_topic",
  "state_value_template",
  "unique_id"
];
export const DEVICE_FIELDS = [
  "configuration_url",
  "connections",
  "identifiers",
  "manufacturer",
  "model",
  "name",
  "suggested_area",
  "sw_version"
];

function expand(o: any, table: { [short: string]: string }) {
  const out: any = {};
  for (const k of Object.keys(o)) out[table[k] ?? k] = o[k];
  return out;
}

// Defaults Home Assistant's schema fills in for keys a config leaves out (DEFAULT_PAYLOAD_* in
// homeassistant/components/mqtt/const.py, applied by its availability and basic light schemas).
const DEFAULTS: { [field: string]: string } = {
  payload_available: "online",
  payload_not_available: "offline",
  payload_on: "ON",
  payload_off: "OFF"
};

// The config as Home Assistant sees it once abbreviations are expanded and defaults filled in.
export function expandDiscovery(json: string) {
  const cfg = { ...DEFAULTS, ...expand(JSON.parse(json), ABBREVIATIONS) };
  if (cfg.device) cfg.device = expand(cfg.device, DEVICE_ABBREVIATIONS);
  return cfg;
}
