// Runs one differential case in a page that has `Auth0` (auth0.js 7.6.1, or this SDK's v7 build): the same
// code against either, recording what the page sees: a synchronous exception, every callback call (with
// `this` and its arguments), and uncaught errors. Plain ES5: auth0.js v7 pages were written this way.
(function () {
  var TOKEN_NAMES = ['id_token', 'refresh_token'];

  /** JSON-safe copy: errors become { isError, message, ...own enumerable fields }; undefined is kept as a marker. */
  function serialize(value, depth) {
    depth = depth || 0;
    if (value === undefined) return { $undefined: true };
    if (value === null || typeof value !== 'object') return value;
    if (depth > 4) return '[deep]';
    var out = {};
    if (value instanceof Error) {
      out.$isError = true;
      out.$message = value.message;
    }
    if (Object.prototype.toString.call(value) === '[object Array]') {
      return value.map(function (item) { return serialize(item, depth + 1); });
    }
    Object.keys(value).forEach(function (key) { out[key] = serialize(value[key], depth + 1); });
    return out;
  }

  /** Waits a few macrotask turns: a second, synchronous or chained callback call lands before it ends. */
  function afterTurns(turns, done) {
    if (turns === 0) return done();
    setTimeout(function () { afterTurns(turns - 1, done); }, 0);
  }

  window.runCase = function (spec, tokens) {
    return new Promise(function (resolve) {
      var record = { constructError: null, syncErrors: [], calls: [], uncaught: [] };
      window.addEventListener('error', function (event) {
        record.uncaught.push(String(event.error && event.error.message));
        event.preventDefault();
      });
      var options = spec.construct.options;
      var auth0;
      try {
        auth0 = spec.construct.withNew ? new Auth0(options) : Auth0(options);
      } catch (error) {
        record.constructError = serialize(error);
        return resolve(record);
      }
      var pending = spec.calls.length;
      var index = 0;

      function next() {
        if (index === spec.calls.length) return afterTurns(3, function () { resolve(record); });
        var call = spec.calls[index++];
        var args = call.args.map(function (arg) {
          if (arg === '$id_token' || arg === '$refresh_token') return tokens[arg.slice(1)];
          if (arg === '$undefined') return undefined;
          if (arg && typeof arg === 'object') {
            var copy = {};
            Object.keys(arg).forEach(function (key) {
              var value = arg[key];
              copy[key] = value === '$undefined' ? undefined : TOKEN_NAMES.indexOf(key) >= 0 && typeof value === 'string' && value.charAt(0) === '$' ? tokens[value.slice(1)] : value;
            });
            return copy;
          }
          return arg;
        });
        var seen = 0;
        args.push(function (err, result) {
          seen++;
          record.calls.push({ call: index - 1, thisIsWindow: this === window, thisIsUndefined: this === undefined, argc: arguments.length, err: serialize(err), result: serialize(result) });
          if (seen === 1) afterTurns(3, next);
          if (call.throwInCallback && seen === 1) throw new Error('a bug in the page');
        });
        try {
          auth0[call.method].apply(auth0, args);
        } catch (error) {
          record.syncErrors.push({ call: index - 1, error: serialize(error) });
          next();
        }
      }
      next();
      void pending;
    });
  };
})();
