// Library functions by short names, for the modules of the boot code: each use saves the file
// about 10 bytes, and these paid for the update's hooks (issue 18); each costs a variable or two
// of RAM. Espruino's JSON.stringify and Date.now need no `this`.
export var json = JSON.stringify;
export var now = Date.now;
