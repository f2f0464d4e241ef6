// The update receiver as a Storage file of its own (OTA_FILE: ln.a.ota / ln.b.ota, 4 MB boards
// only): the core evaluates it at each ACTIVE and for each message on <base>/ota and keeps none of
// its functions after (src/light/app.ts). The file is one expression, this function.
export { receive as default } from "./receiver";
