/* Recur's in-browser suggestions: loads the bundle that `recur site` wrote next to this file
 * (bundle.json), encodes a text with the KB's model (onnxruntime-web, WebAssembly, one thread) and
 * ranks it with ranker.js. Nothing is fetched from anywhere but this site; nothing is loaded until
 * the "describe what you see" box calls load() on first use.
 *
 *   const engine = await load(bundleUrl, (done, total) => ...);   // fetch, decompress, initialise
 *
 * Every file is asked for as name?v=<its version in bundle.json>, and bundle.json itself is revalidated
 * (cache: "no-cache"), so a rebuilt site is not answered from the last build's cached index or model.
 * ranker.js is imported the same way (not statically), for the same reason.
 *   const answer = await engine.answer(text, 5);                   // {query, no_known_pattern, results, credible}
 *   // no_known_pattern null, results [] and query_note why, for a text with nothing to search (as /api/suggest)
 *   const index = await wordIndex(bundleUrl, manifest);           // the site search's index, kept with the model
 */

/* A file that could not be had, said so the box can tell a passing failure from a lasting one:
 * ``transient`` for a network error (fetch's own TypeError, "Failed to fetch", a connection cut
 * mid-download) or an answer a host gives while busy or broken for now (5xx, 408, 429): the next
 * question tries again; not for a 404 and the like (the file is not on this host). ``file`` is its
 * name, ``reason`` what went wrong ("network error", "HTTP 404"). */
function loadError(url, reason, transient) {
  const file = new URL(url, globalThis.location && globalThis.location.href).pathname.split("/").pop();
  return Object.assign(new Error(`${url}: ${reason}`), { file, reason, transient });
}

function httpError(url, status) {
  return loadError(url, `HTTP ${status}`, status >= 500 || status === 408 || status === 429);
}

/* fetch(), its rejection (no answer at all) said as a network error */
async function get(url, init) {
  let r;
  try {
    r = await fetch(url, init);
  } catch (e) {
    throw loadError(url, "network error", true);
  }
  if (!r.ok) throw httpError(url, r.status);
  return r;
}

/* import(), its failure said as get() says one: the browser gives the same TypeError ("Failed to fetch
 * dynamically imported module") for a network error, a 404 and a 503, so the file is asked for once more
 * to tell them apart; a file that arrives and still fails to import is broken (not transient). */
async function importing(url) {
  try {
    return await import(url);
  } catch (e) {
    await get(url);
    throw e;
  }
}

/* ``onBytes`` null: no progress to count (the word index), so the body is read whole, as the box read the index
 * before the loader kept it (read by a stream, Chromium's DevTools now and then reported it aborted, though whole). */
async function fetchBytes(url, onBytes, init) {
  const r = await get(url, init);
  if (!onBytes || !r.body || !r.body.getReader) {
    let buf;
    try { buf = new Uint8Array(await r.arrayBuffer()); } catch (e) { throw loadError(url, "network error", true); }
    if (onBytes) onBytes(buf.length);
    return buf;
  }
  const reader = r.body.getReader(), chunks = [];
  let n = 0;
  for (;;) {
    let part;
    try { part = await reader.read(); } catch (e) { throw loadError(url, "network error", true); }  /* cut mid-download */
    const { done, value } = part;
    if (done) break;
    chunks.push(value);
    n += value.length;
    onBytes(value.length);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/* The large files are kept in the Cache API too, in recur-model-<build id>: a host that sends
 * Cache-Control: no-store, or a browser whose HTTP cache is small, had the page download 30 MB on every
 * visit. Keyed by the versioned URL (name?v=<content hash>) inside a cache named by the site's build id, so a
 * rebuilt site never reads a stale model. The other recur-model-* caches (older builds) are deleted, their
 * copies of a file the new build still has by the same versioned URL (``keep``, keptUrls) moved over first:
 * deleted whole, a KB rebuild had every reader of a no-store host download the 31 MB again though the model,
 * the runtime and the tokenizer had not changed (found in review). Where the
 * Cache API is missing or throws (an insecure context such as a plain-http intranet host has no `caches`), the
 * same copies go to IndexedDB (openIdb), which insecure contexts have; where both fail (file://, quota), the
 * files are fetched as before. A store is {get(url) -> bytes or null, put(url, bytes) -> promise}. */
const CACHE_PREFIX = "recur-model-";

async function openCache(buildId, keep) {
  if (!globalThis.caches) return null;
  try {
    const name = CACHE_PREFIX + buildId;
    const cache = await caches.open(name);
    for (const old of await caches.keys()) {
      if (!old.startsWith(CACHE_PREFIX) || old === name) continue;
      const from = await caches.open(old);
      for (const req of await from.keys()) {
        if (!keep.has(req.url) || await cache.match(req)) continue;
        const hit = await from.match(req);
        if (hit) await cache.put(req, hit);
      }
      await caches.delete(old);
    }
    return {
      get: async (url) => { const hit = await cache.match(url); return hit ? new Uint8Array(await hit.arrayBuffer()) : null; },
      put: (url, bytes) => cache.put(url, new Response(bytes)),
    };
  } catch (e) {
    return null;
  }
}

/* IndexedDB: one database (recur-model), one object store of the files by versioned URL, and under BUILD_KEY
 * the build id they were kept for: another build's copies are cleared on open, as the older caches are deleted,
 * but for those the new build still has by the same versioned URL (``keep``). */
const IDB_NAME = "recur-model", IDB_STORE = "files", BUILD_KEY = "build_id";

function idbResult(req) {
  return new Promise((resolve, reject) => { req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error); });
}

/* a write is kept once its transaction completes; a full disk aborts it (QuotaExceededError) */
function idbDone(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
  });
}

async function openIdb(buildId, keep) {
  if (!globalThis.indexedDB) return null;
  try {
    const req = indexedDB.open(IDB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(IDB_STORE);
    const db = await idbResult(req);
    db.onversionchange = () => db.close();  /* another tab deleting or upgrading it is not blocked by this one */
    const files = (mode) => db.transaction(IDB_STORE, mode).objectStore(IDB_STORE);
    if (await idbResult(files("readonly").get(BUILD_KEY)) !== buildId) {
      const kept = await idbResult(files("readonly").getAllKeys());
      const store = files("readwrite");
      for (const key of kept) if (key !== BUILD_KEY && !keep.has(key)) store.delete(key);
      store.put(buildId, BUILD_KEY);
      await idbDone(store.transaction);
    }
    return {
      get: async (url) => { const v = await idbResult(files("readonly").get(url)); return v instanceof Uint8Array ? v : null; },
      put: (url, bytes) => { const store = files("readwrite"); store.put(bytes, url); return idbDone(store.transaction); },
    };
  } catch (e) {
    return null;
  }
}

/* One store a build, opened once for the page: the model's files (load) and the box's word index (wordIndex) are
 * kept in it alike, and an IndexedDB opened twice at once could have its second opening clear the first's copies. */
const stores = new Map();

/* The versioned URLs of every file ``manifest`` (bundle.json at ``bundleUrl``) names with a version: what another
 * build's store may hand over to this one (openCache, openIdb), the files being the same by their content hash. */
function keptUrls(manifest, bundleUrl) {
  const base = new URL(".", bundleUrl), versions = manifest.versions || {};
  return new Set(Object.keys(versions).map((rel) => {
    const u = new URL(rel, base);
    u.searchParams.set("v", versions[rel]);
    return u.href;
  }));
}

function openStore(manifest, bundleUrl) {
  const buildId = manifest.build_id;
  if (!buildId) return Promise.resolve(null);
  if (!stores.has(buildId)) {
    const keep = keptUrls(manifest, bundleUrl);
    stores.set(buildId, (async () => (await openCache(buildId, keep)) || (await openIdb(buildId, keep)))());
  }
  return stores.get(buildId);
}

/* ``after``: what a download waits for (the box's word index, so that on a slow link the words are not shared
 * out with 30 MB: bench/static_suggest.py --mbit); a copy in the store does not wait. ``from``: where the file is
 * fetched when the store has no copy under ``url`` (by default ``url`` itself), with fetch's ``init``. */
async function cachedBytes(store, url, onBytes, after, from, init) {
  if (store) {
    try {
      const hit = await store.get(url);
      if (hit) {
        if (onBytes) onBytes(hit.length);
        return hit;
      }
    } catch (e) { /* an unreadable entry: the host has the file */ }
  }
  if (after) await after.then(null, () => {});
  const bytes = await fetchBytes(from || url, onBytes, init);
  /* awaited so the next visit finds it; a full disk (QuotaExceededError) only means no copy is kept */
  if (store) {
    try { await store.put(url, bytes); } catch (e) { /* no copy kept: the next visit downloads it again */ }
  }
  return bytes;
}

/* The box's word index (the site search's search/search_index.json, 0.3 MB for the starter KB: the pattern pages it
 * lists by words while the model loads, or when the model cannot be had), parsed; null when bundle.json names none
 * (a site built before it did, or without mkdocs' search). A host that sends Cache-Control: no-store had the box
 * download it again on the first question of every visit: it is kept in the model's store, under its address with
 * ?v=<its version in bundle.json> (written by the same build), so a rebuilt site's new index is never read from the
 * last one's copy. It is fetched by that versioned address, as every file of the bundle is: fetched by its plain
 * address (to share the header search's copy), a CDN that had not yet expired the last build's index served it
 * beside the new bundle.json, and it was kept as this build's until the next rebuild (found in review). */
export async function wordIndex(bundleUrl, manifest) {
  const rel = manifest.words && manifest.words.json;
  if (!rel) return null;
  const from = new URL(rel, new URL(".", bundleUrl)), version = (manifest.versions || {})[rel];
  const key = new URL(from.href);
  if (version) key.searchParams.set("v", version);
  const store = version ? await openStore(manifest, bundleUrl) : null;
  const bytes = await cachedBytes(store, key.href, null, null, key.href, { cache: "no-cache" });
  return JSON.parse(new TextDecoder().decode(bytes));
}

/* The .gz files are stored compressed; a host that adds Content-Encoding: gzip for them has
 * already had the browser decompress them, so look at the bytes, not the name. */
async function gunzip(bytes) {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/* onnxruntime-web's one WebAssembly build uses SIMD: without it the 30 MB would load and then fail to compile.
 * The page's probe tells (RecurQuery.wasmSimd of assets/recur-query.js, the box's check too: one copy); without
 * that script there is no prepare for the ranker either, and the model cannot run here. */
export function supported() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function"
      || typeof DecompressionStream !== "function" || typeof BigInt64Array !== "function") return false;
  const query = globalThis.RecurQuery;
  return !!(query && typeof query.wasmSimd === "function" && query.wasmSimd());
}

/* bundle.json, revalidated with the host on every load (a 304 when the site was not rebuilt) */
export async function fetchManifest(bundleUrl) {
  return (await get(bundleUrl, { cache: "no-cache" })).json();
}

class Engine {
  constructor(manifest, ort, tokenizer, session, ranker, rankerMod) {
    Object.assign(this, { manifest, ort, tokenizer, session, ranker, headCodePoints: rankerMod.headCodePoints });
    this.maxLen = manifest.model.max_seq_length;
  }

  /* embed.SentenceTransformerEncoder: the text clipped as the server clips it (32 characters a token,
   * on a space), WordPiece ids cut to max_seq_length ([CLS] ... [SEP]), mean-pooled and normalised
   * inside the exported graph. */
  clip(text) {
    const limit = this.maxLen * this.ranker.p.chars_per_token;
    const head = this.headCodePoints(text, limit);  /* limit counts code points, as in Python */
    if (head.length === text.length) return text;
    const cut = head.lastIndexOf(" ");  /* a space is one unit: its index counts the code points before it */
    const before = cut < 0 ? -1 : Array.from(head.slice(0, cut)).length;
    return before >= Math.floor(limit / 2) && before > 0 ? head.slice(0, cut) : head;
  }

  async encode(text) {
    let ids = this.tokenizer.encode(this.clip(text)).ids;
    if (ids.length > this.maxLen) ids = ids.slice(0, this.maxLen - 1).concat(ids.slice(-1));
    const input = new this.ort.Tensor("int64", BigInt64Array.from(ids, (x) => BigInt(x)), [1, ids.length]);
    const out = await this.session.run({ input_ids: input });
    return out.embedding.data;
  }

  /* Engine.answer_many: the text as typed; only when its first result is not high, again with its typos read
   * (engine.Engine._rank_read), kept when better (engine._read_better). Ranked inside withReading, which runs at once: another
   * answer awaiting the model meanwhile reads its own way. */
  async answer(text, top = 5) {
    const r = this.ranker, prepared = r.readQuery(text), t = prepared.searched;  /* ranked NFKC, echoed as typed */
    const none = r.notSearched(prepared);  /* nothing to search (Prepared.unsearched): no verdict, the model not run */
    if (none) return none;
    const asked = Math.max(top, r.p.calibration.verdict_top);  /* the verdict reads the first 3, as the server */
    const vectors = async (read) => {
      const focus = r.focusText(read);
      return [await this.encode(r.modelText(read)), focus ? await this.encode(focus) : null];  /* Searcher.encode_queries */
    };
    const [q, fq] = await vectors(t);
    const typed = r.withReading(false, () => r.answer(t, r.search(t, q, fq, asked), top));
    const echoed = (answer) => ({ ...answer, query: prepared.text });  /* Answer.query: the text as typed */
    if (!r.wantsReading(t, typed)) return echoed(typed);
    const [rq, rfq] = await vectors(r.readTypos(t));  /* a typo as the KB's word, as Searcher.encode_queries */
    const read = r.withReading(true, () => r.answer(t, r.search(t, rq, rfq, asked), top));
    return echoed(r.readBetter(typed, read) ? read : typed);
  }
}

/* Load everything the bundle names; onProgress(bytesDone, bytesTotal) while the large files arrive.
 * manifest: bundle.json when the caller has fetched it already (fetchManifest). prepare: how a long
 * text is condensed (RecurQuery.prepare, the page's assets/recur-query.js), by default the page's. after: a
 * promise the large files' downloads wait for (cachedBytes), none by default. */
export async function load(bundleUrl, onProgress, manifest, prepare, after) {
  prepare = prepare || (globalThis.RecurQuery && globalThis.RecurQuery.prepare);
  if (!supported()) throw new Error("this browser cannot run the model (no WebAssembly with SIMD, or no DecompressionStream)");
  const base = new URL(".", bundleUrl);
  manifest = manifest || await fetchManifest(bundleUrl);
  const versions = manifest.versions || {};
  const at = (rel) => {
    const u = new URL(rel, base);
    if (versions[rel]) u.searchParams.set("v", versions[rel]);
    return u.href;
  };
  const big = [manifest.model.file, manifest.runtime.wasm, manifest.index.bin, manifest.index.json, manifest.tokenizer.json];
  const total = big.reduce((s, f) => s + (manifest.bytes[f] || 0), 0);
  let done = 0;
  const tick = (n) => { done += n; if (onProgress) onProgress(Math.min(done, total), total); };
  const store = await openStore(manifest, bundleUrl);
  const bytesOf = (rel) => cachedBytes(store, at(rel), tick, after && Promise.resolve(after));
  /* The runtime's glue (manifest.runtime.glue) is imported here too, though onnxruntime imports it itself
   * (the browser then has it, by the same URL): imported by onnxruntime, a network error there was its "no
   * available backend found" and the model was off until the page was reloaded (onnxruntime keeps a backend
   * that failed to start as failed). Found in review: the network dropped after the big files arrived. */
  const [rankerMod, ort, tokmod, stemmer, , model, wasm, bin, indexText, tokText, tokConfig] = await Promise.all([
    importing(at("ranker.js")), importing(at(manifest.runtime.ort)), importing(at(manifest.runtime.tokenizers)),
    importing(at(manifest.runtime.stemmer)), importing(at(manifest.runtime.glue)),
    bytesOf(manifest.model.file).then(gunzip), bytesOf(manifest.runtime.wasm).then(gunzip),
    bytesOf(manifest.index.bin), bytesOf(manifest.index.json), bytesOf(manifest.tokenizer.json), get(at(manifest.tokenizer.config)).then((r) => r.json())
  ]);
  const dec = new TextDecoder();
  const tokenizer = new tokmod.Tokenizer(JSON.parse(dec.decode(tokText)), tokConfig);
  ort.env.wasm.numThreads = 1;  /* a plain static host is not cross-origin isolated: no threads */
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = wasm;
  ort.env.wasm.wasmPaths = { mjs: at(manifest.runtime.glue) };
  ort.env.logLevel = "error";
  const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  const ranker = new rankerMod.Ranker(JSON.parse(dec.decode(indexText)), bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
                            manifest.params, stemmer.stem, prepare);
  /* the model's whole words: no typos (embed.Encoder.known_words, search.TYPO) */
  ranker.knownWords = rankerMod.wholeWords(tokenizer.get_vocab().keys());
  const engine = new Engine(manifest, ort, tokenizer, session, ranker, rankerMod);
  await engine.encode("warm up");  /* the first run allocates; pay it while the progress bar is shown */
  return engine;
}
