// The JavaScript plugin of the PluginHost example: implements `acme:plugins/plugin@1.0.0` (see ../../wit/plugin.wit)
// and calls the host's `acme:plugins/host@1.0.0`. Built into a component by ../build.sh with componentize-js.
//
// componentize-js conventions: an exported interface is an exported object named by the interface (camelCase);
// for a `result<T, E>` return, returning a value is `ok`, throwing a string is `err`.

import { log } from 'acme:plugins/host@1.0.0';

export const plugin = {
  name() {
    return 'title-case (JavaScript)';
  },

  transform(input) {
    if (input === '!spin') {
      for (;;) {
        // Never returns: the host's call timeout interrupts it.
      }
    }

    if (input === '!hog') {
      try {
        const big = new Uint8Array(256 * 1024 * 1024);
        return `got ${big.length} bytes`;
      } catch (e) {
        throw `could not get 256 MiB: ${e}`;
      }
    }

    if (input === '!crash') {
      // Not a string: componentize-js cannot turn it into the `err` payload, so the call traps.
      throw new Error('crash requested');
    }

    const words = input.split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) {
      throw 'no words in the input';
    }

    log(1, `title-casing ${words.length} word(s)`);
    console.log(`js plugin: ${input.length} characters in`);
    return words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join(' ');
  },
};
