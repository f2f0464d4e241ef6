// The update receiver (issue 18; the contract: /work/notes/ota-design.md). It stages a signed image
// of the other set of files (ln.b.* while ln.a.* runs) chunk by chunk straight into Storage,
// checks every staged file against the signed manifest read back from flash, then switches through
// the boot record (trial = the other set) and restarts; the new set confirms itself here at its
// first ACTIVE. Nothing of the running set is ever written, so a cut anywhere leaves it whole.
//
// The core calls receive(cfg, payload, send, subscribe) (plain arguments: safe mode, minified
// apart, calls it too): payload undefined at each ACTIVE, else a message on <base>/ota, or one of
// the receiver's own later steps (Step). The code is evaluated per call and keeps nothing; a
// transfer under way is the global object lnOTA ({o: the offset expected next, t: the image's
// size, p: the progress last said, in %}) and the manifest as received, in the Storage file
// ln.<other>.man. RAM is what bounds all this (the peak must stay within 900 variables, Active
// included): no JSON, no parsed manifest held, each heavy step (the manifest's check, the staged
// files' check, the switch) run on its own from a timer at the top level (src/ota/later.ts), with
// nothing of the message or of the step before still held.
//
// The state on <base>/ota/state, retained: idle, receiving n%, checking, switching to <version>,
// confirmed <version>, rolled back: <why> (said by the loader), refused: <reason>.
import { Config, SET_LETTER } from "../config";
import { openRecord } from "../store/record";
import { later } from "./later";
import { digest, entry, hmac, MANIFEST_AT, MANIFEST_MAX, older } from "./protocol";

var cfg: Config;
var send: (topic: string, payload: string, qos: 0 | 1, retain: boolean) => any;
var sub: (topic: string, qos: 0 | 1) => void;
var storage: any;
var g: any;
// The set staged into (the one not running), and its files' prefix.
var other: string;
var prefix: string;

// The receiver's own later steps, given as the payload: numbers, where every message from the
// broker is a string.
const enum Step {
  // The manifest lnOTA holds: signed, for this node, newer; then the transfer starts.
  VERIFY = 1,
  // The staged files against the stored manifest.
  CHECK = 2,
  // The boot record: the other set on trial; then the restart.
  SWITCH = 3
}

// On Espruino each function costs RAM while it lives (about 10 variables, more with a copy of the
// scope chain when it is made inside another function): so few live at the top (made at every
// call), and no helper closures; each step's own code is made only when that step runs.

// The state (QoS 1, retained), or with `ack` the offset expected next (QoS 0, not retained). With
// `stop`, any transfer ends (its staged files stay as trash until the next update overwrites
// them). States at QoS 1 even for progress: aedes (the embedded broker) forwards no QoS 0 retained
// message to subscribers, measured.
function say(state: any, ack?: 0 | 1, stop?: 1) {
  if (stop) delete g.lnOTA;
  send(cfg.topic + (ack ? "/ota/ack" : "/ota/state"), "" + state, ack ? 0 : 1, !ack);
}

// SHA-1's 20-byte result needs 3 variables in a row: gathered first (at the peak of a check the
// free ones are scattered: measured, "Not enough memory for result").
function sha1(s: string) {
  if (E.defrag) E.defrag();
  return E.toString(require("crypto").SHA1(s));
}

// Whether "M" + signature (base64) + manifest holds this node's key's signature.
function signed(p: string) {
  return (
    p.length <= MANIFEST_AT + MANIFEST_MAX && btoa(hmac(cfg.key as string, p, sha1, MANIFEST_AT)) == p.substr(1, 28)
  );
}

function bootRecord() {
  return openRecord(storage, "ln.boot", 1, E.CRC32, print);
}

// "M": a new transfer. The manifest is checked in a step of its own (VERIFY), once this message's
// copies in the client are freed; meanwhile lnOTA holds the message alone (a chunk then asks for a
// restart).
function begin(p: string) {
  delete g.lnOTA;
  if (!cfg.key) return say("refused: no update key: config({key: ...}) at the console");
  g.lnOTA = { m: p };
  later([cfg, Step.VERIFY, send, sub], 10);
}

// Refused unless signed with this node's key, for the other set, made from the running version, and
// newer (or forced). Storage is compacted only after the signature held, before anything is
// written, and only when the image would not fit otherwise. SHA-1's 20-byte result needs a few
// variables in a row: gathered first (a node at its peak has them scattered: measured, "Not
// enough memory for result").
function verify() {
  var s = g.lnOTA,
    p = s && s.m,
    head,
    t = 0,
    f,
    k = 0,
    why;
  // Another "M" since (its own step follows), or a reconnect: this one is over.
  if (!p) return;
  delete g.lnOTA;
  try {
    if (E.defrag) E.defrag();
    if (!signed(p)) why = "bad signature (wrong key, or tampered)";
    else {
      head = p.slice(MANIFEST_AT, p.indexOf("\n")).split(" ");
      while ((f = entry(p, k++))) t += f[1];
      if (head[1] != other) why = "image for set " + head[1] + ", set " + SET_LETTER + " runs";
      else if (head[2] != __VERSION__) why = "image made for " + head[2] + ", " + __VERSION__ + " runs";
      else if (older(head[0], __VERSION__) && head[3] != "1")
        why = "older version " + head[0] + " than " + __VERSION__ + " (--force)";
      else if (!t) why = "no files";
      else {
        if (storage.getFree() < t + 2048) storage.compact();
        if (storage.getFree() < t + 2048) why = "no room in Storage";
      }
    }
  } catch (e) {
    why = "manifest check failed: " + e;
  }
  if (why) return say("refused: " + why);
  storage.write(prefix + "man", p);
  // The message (a few hundred bytes) and its head are let go before the states are published:
  // with them alive, 870 free ran out here (860 still does).
  p = head = 0;
  g.lnOTA = { o: 0, t: t, p: 0 };
  say("receiving 0%");
  say(0, 1);
}

// "C": writes a chunk where the image expects it (a repeat or a gap is answered with the offset
// expected), into the file it falls in. After the last, the check follows (CHECK).
function chunk(p: string) {
  var s = g.lnOTA,
    i = p.indexOf(","),
    at = +p.slice(1, i),
    n = p.length - i - 1,
    start = 0,
    f,
    k = 0,
    m;
  if (!s || s.m) return say("restart", 1);
  if (at != s.o) return say(s.o, 1);
  m = storage.read(prefix + "man");
  while ((f = entry(m, k++)) && at >= start + f[1]) start += f[1];
  if (!f || at + n > start + f[1]) return say("refused: chunk outside the image", 0, 1);
  storage.write(prefix + f[0], p.slice(i + 1), at - start, f[1]);
  s.o = at + n;
  if ((i = ((s.o * 100) / s.t) | 0) >= s.p + 10 && s.o < s.t) say("receiving " + (s.p = i - (i % 10)) + "%");
  say(s.o, 1);
  if (s.o == s.t) {
    say("checking", 0, 1);
    later([cfg, Step.CHECK, send, sub], 10);
  }
}

// Every staged file, read back from flash piece by piece (Storage's read, called as it is), against
// the manifest, itself checked again as stored. A failure refuses, never hangs.
function check() {
  var m = storage.read(prefix + "man") || "",
    f,
    k = 0;
  try {
    if (E.defrag) E.defrag();
    if (!signed(m)) return say("refused: manifest damaged in flash");
    while ((f = entry(m, k++)))
      if (digest(prefix + f[0], f[1], storage.read, sha1) != f[2])
        return say("refused: " + prefix + f[0] + " does not match its digest");
  } catch (e) {
    return say("refused: check failed: " + e);
  }
  later([cfg, Step.SWITCH, send, sub], 10);
}

// The switch: the record names the other set as on trial, and the loader runs it.
function switchSets() {
  var m = storage.read(prefix + "man") || "",
    rec = bootRecord(),
    r = rec.read() || { set: SET_LETTER, tried: 0, boots: 0 };
  r.trial = other;
  r.tried = 0;
  if (!rec.write(r)) return say("refused: boot record not written");
  // The open record (its closures) and the boot record are let go before the state is published:
  // with them, 870 free ran out here.
  rec = r = 0 as any;
  say("switching to " + m.slice(MANIFEST_AT, m.indexOf(" ")));
  setTimeout(load, 1000);
}

// ACTIVE: listen for updates; a transfer cut by the reconnect is over (the host starts again); a
// trial of this set confirms itself; a boot of the confirmed set that reached the broker is a good
// one (boots back to 0: only boots that never get this far lead to safe mode); the loader's last
// word (rolled back...) is said once. The record is written only when something changed.
function active() {
  var rec = bootRecord(),
    r = rec.read(),
    changed = r && (r.boots || r.said);
  sub(cfg.topic + "/ota", 1);
  if (g.lnOTA) say("idle", 0, 1);
  if (!r || (r.set != SET_LETTER && r.trial != SET_LETTER)) return;
  if (r.trial == SET_LETTER) {
    r.set = SET_LETTER;
    delete r.trial;
    r.tried = 0;
    r.said = "confirmed " + __VERSION__;
    changed = 1;
  }
  r.boots = 0;
  if (r.said) {
    say(r.said);
    delete r.said;
  }
  if (changed) rec.write(r);
  // Confirmed and counted: the loader's tick (src/boot/tail.ts) has nothing left to do.
  if (g.LNT) (clearTimeout(g.LNT), delete g.LNT);
}

export function receive(c: Config, payload: string | Step | undefined, publish: typeof send, subscribe: typeof sub) {
  cfg = c;
  send = publish;
  sub = subscribe;
  storage = require("Storage");
  g = global;
  other = SET_LETTER == "a" ? "b" : "a";
  prefix = "ln." + other + ".";
  if (payload === undefined) active();
  else if (payload === Step.VERIFY) verify();
  else if (payload === Step.CHECK) check();
  else if (payload === Step.SWITCH) switchSets();
  else if ((payload as string)[0] == "M") begin(payload as string);
  else if ((payload as string)[0] == "C") chunk(payload as string);
}
