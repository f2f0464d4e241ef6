// The runner's code as a Storage file of its own (NET_FILE in src/config.ts): the firmware
// evaluates it for each input to the connection and keeps none of its functions after
// (src/conn/net.ts). The file is one expression, this function.
export { step as default } from "./runner";
