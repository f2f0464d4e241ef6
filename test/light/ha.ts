// How Home Assistant reads an MQTT discovery config, for checking the node's: the abbreviations
// it expands (from homeassistant/components/mqtt/abbreviations.py, the entries a basic-schema
// light, a sensor, a device trigger and an update entity can use) and the fields each schema knows. A key it does not know stays unexpanded and
// fails the field check.
const ABBREVIATIONS: { [short: string]: string } = {
  atype: "automation_type",
  avty: "availability",
  avty_mode: "availability_mode",
  avty_t: "availability_topic",
  avty_tpl: "availability_template",
  cmd_t: "command_topic",
  dev: "device",
  dev_cla: "device_class",
  en: "enabled_by_default",
  ent_cat: "entity_category",
  ic: "icon",
  json_attr_t: "json_attributes_topic",
  json_attr_tpl: "json_attributes_template",
  l_ver_t: "latest_version_topic",
  l_ver_tpl: "latest_version_template",
  name: "name",
  obj_id: "object_id",
  on_cmd_type: "on_command_type",
  opt: "optimistic",
  pl_avail: "payload_available",
  pl_not_avail: "payload_not_available",
  pl_off: "payload_off",
  pl_on: "payload_on",
  pl: "payload",
  ret: "retain",
  stat_cla: "state_class",
  stat_t: "state_topic",
  stat_val_tpl: "state_value_template",
  stype: "subtype",
  t: "topic",
  uniq_id: "unique_id",
  unit_of_meas: "unit_of_measurement",
  val_tpl: "value_template"
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
// The availability fields every MQTT entity has (first in each sorted list below).
const AVAILABILITY_FIELDS = ["availability", "availability_mode", "availability_template", "availability_topic"];
// Fields of the light's default ("basic") schema without brightness/colour, and of its device.
export const LIGHT_FIELDS = [
  ...AVAILABILITY_FIELDS,
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
// Fields of an MQTT sensor (the node's diagnostics: RSSI and uptime, read from <base>/info).
export const SENSOR_FIELDS = [
  ...AVAILABILITY_FIELDS,
  "device",
  "device_class",
  "enabled_by_default",
  "entity_category",
  "expire_after",
  "force_update",
  "icon",
  "json_attributes_topic",
  "name",
  "object_id",
  "payload_available",
  "payload_not_available",
  "qos",
  "state_class",
  "state_topic",
  "unique_id",
  "unit_of_measurement",
  "value_template"
];
// Fields of the MQTT update entity (homeassistant/components/mqtt/update.py, and the availability
// and entity fields every MQTT entity has).
export const UPDATE_FIELDS = [
  ...AVAILABILITY_FIELDS,
  "command_topic",
  "device",
  "device_class",
  "enabled_by_default",
  "encoding",
  "entity_category",
  "entity_picture",
  "icon",
  "json_attributes_template",
  "json_attributes_topic",
  "latest_version_template",
  "latest_version_topic",
  "name",
  "object_id",
  "payload_install",
  "qos",
  "release_summary",
  "release_url",
  "retain",
  "state_topic",
  "title",
  "unique_id",
  "value_template"
];
// Fields of an MQTT device trigger (the gestures), and the types and subtypes its automation
// editor names (device_trigger.mqtt: others show as "subtype type").
export const TRIGGER_FIELDS = [
  "automation_type",
  "device",
  "payload",
  "qos",
  "subtype",
  "topic",
  "type",
  "value_template"
];
export const TRIGGER_TYPES = [
  "button_short_press",
  "button_short_release",
  "button_long_press",
  "button_long_release",
  "button_double_press",
  "button_triple_press",
  "button_quadruple_press",
  "button_quintuple_press"
];
export const TRIGGER_SUBTYPES = [
  "turn_on",
  "turn_off",
  "button_1",
  "button_2",
  "button_3",
  "button_4",
  "button_5",
  "button_6"
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

// The config as Home Assistant sees it once abbreviations are expanded and defaults filled in (a
// light's; `plain`: a sensor's or a trigger's, with no light defaults).
export function expandDiscovery(json: string, plain = false) {
  const cfg = { ...(plain ? {} : DEFAULTS), ...expand(JSON.parse(json), ABBREVIATIONS) };
  if (cfg.device) cfg.device = expand(cfg.device, DEVICE_ABBREVIATIONS);
  return cfg;
}
