// Registers every discovery mechanism this build runs; imported once by the config loader, so a
// loaded config and the discovery manager always see the same registry. A new mechanism is its
// own folder plus its line here.
import '../consul/index.js';
import '../dns/index.js';
import '../file/index.js';
import '../http/index.js';
import '../static/index.js';
