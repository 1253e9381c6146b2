// The upstream side of `cargo xtask bench scim`: runs the SCIM workload of
// crates/bulwark-scim/examples/bench.rs against one pinned upstream Better Auth, in-process
// (`auth.handler(new Request(...))`), on a better-sqlite3 file, and prints one JSON line of timings.
//
//   node reference/oracle/bench.mjs <pin> [--users N] [--db PATH]      (pin: v1.6.30 or v1.7.1)
//
// Packages resolve from `<pin>/node_modules` (install with `npm ci --prefix reference/oracle/<pin>`).
// The SQLite file gets the pragmas Bulwark's adapter sets (WAL, synchronous=NORMAL, foreign keys),
// so both sides write to storage configured the same way.
//
// Credentials: v1.7.1 uses a connection defined in code with a static bearer credential (as Bulwark
// does); v1.6.30 has no such connections, so a signed-in user mints a provider token through
// `POST /scim/generate-token`.
//
// Differences the pins force (reported in the results, never hidden):
// - v1.6.30 filters only `userName eq`; its `externalId eq` lookups answer 400 and are reported as
//   unsupported. It ignores `startIndex`/`count` and lists every user of the provider.
// - v1.6.30's PATCH has no `displayName` path; it replaces `name.formatted`, which maps to the same
//   user name.
import { createRequire } from "node:module";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

for (const name of Object.keys(process.env)) {
	if (name === "NODE_ENV" || name === "TEST" || name === "AUTH_SECRET" || name === "BASE_URL" || name.startsWith("BETTER_AUTH_")) {
		delete process.env[name];
	}
}
// stdout carries the results only.
for (const level of ["log", "info", "debug", "warn"]) {
	console[level] = (...args) => console.error(...args);
}

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const pin = argv[0];
if (!pin || pin.includes("/") || pin.startsWith(".") || pin.startsWith("-")) {
	process.stderr.write("usage: node bench.mjs <pin> [--users N] [--db PATH]\n");
	process.exit(2);
}
const flag = (name, fallback) => {
	const at = argv.indexOf(name);
	return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] : fallback;
};
const users = Number(flag("--users", "10000"));
const dbPath = flag("--db", join(here, "..", "..", "target", "bench-scim", `${pin}.db`));
if (!Number.isInteger(users) || users < 1) throw new Error("--users must be a positive integer");

const pinDir = join(here, pin);
if (!existsSync(join(pinDir, "node_modules"))) {
	throw new Error(`${pinDir}/node_modules is missing; run \`npm ci --prefix ${pinDir}\` first`);
}
const requireFromPin = createRequire(join(pinDir, "package.json"));
const load = (specifier) => import(pathToFileURL(requireFromPin.resolve(specifier)).href);
const [core, scimModule, migration, Sqlite] = await Promise.all([
	load("better-auth"),
	load("@better-auth/scim"),
	load("better-auth/db/migration"),
	load("better-sqlite3"),
]);

// The same constants as examples/bench.rs.
const ORIGIN = "http://localhost:3000";
const STATIC_TOKEN = "bench-static-token-0123456789abcdef";
const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const EARLY = 1000;
const LOOKUPS = 1000;
const PATCHES = 1000;
const PAGE_REPEATS = 10;
const PAGE_SIZE = 100;
const legacy = pin.startsWith("v1.6");

for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbPath}${suffix}`, { force: true });
mkdirSync(dirname(dbPath), { recursive: true });
const sqlite = new Sqlite.default(dbPath);
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = NORMAL");
sqlite.pragma("foreign_keys = ON");

const scimOptions = legacy
	? {}
	: { connections: [{ id: "bench", credentials: [{ type: "bearer", id: "bench-1", token: STATIC_TOKEN }] }] };
const auth = core.betterAuth({
	baseURL: ORIGIN,
	secret: "bench-secret-bench-secret-bench-secret-0123456789",
	database: sqlite,
	emailAndPassword: { enabled: true },
	telemetry: { enabled: false },
	rateLimit: { enabled: false },
	logger: { disabled: true },
	plugins: [scimModule.scim(scimOptions)],
});
const context = await auth.$context;
const { runMigrations } = await migration.getMigrations(context.options);
await runMigrations();

async function request(method, path, { body, headers = {} } = {}) {
	const init = { method, headers: { origin: ORIGIN, ...headers } };
	if (body !== undefined) {
		init.body = JSON.stringify(body);
		init.headers["content-type"] ??= "application/scim+json";
	}
	return auth.handler(new Request(`${ORIGIN}/api/auth${path}`, init));
}

let token = STATIC_TOKEN;
if (legacy) {
	const signUp = await request("POST", "/sign-up/email", {
		headers: { "content-type": "application/json" },
		body: { email: "admin@example.com", password: "password1234", name: "Admin" },
	});
	if (signUp.status !== 200) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
	const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
	const generated = await request("POST", "/scim/generate-token", {
		headers: { cookie, "content-type": "application/json" },
		body: { providerId: "bench" },
	});
	if (generated.status !== 201 && generated.status !== 200) {
		throw new Error(`generate-token answered ${generated.status}: ${await generated.text()}`);
	}
	token = (await generated.json()).scimToken;
}
const bearer = { authorization: `Bearer ${token}` };

/** One SCIM request; throws unless the status is `expected`. Returns the parsed body (or null). */
async function call(method, path, body, expected) {
	const res = await request(method, `/scim/v2${path}`, { body, headers: bearer });
	const text = await res.text();
	if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
	return text ? JSON.parse(text) : null;
}

const user = (i) => ({
	schemas: [USER_SCHEMA],
	userName: `user${i}@example.com`,
	externalId: `ext-${i}`,
	displayName: `User ${i}`,
	name: { givenName: "User", familyName: `${i}` },
	emails: [{ value: `user${i}@example.com`, type: "work", primary: true }],
	active: true,
});

// xorshift64 with the seed examples/bench.rs uses.
let state = 0x9e3779b97f4a7c15n;
const MASK = (1n << 64n) - 1n;
function below(n) {
	state ^= (state << 13n) & MASK;
	state ^= state >> 7n;
	state ^= (state << 17n) & MASK;
	return Number(state % BigInt(n));
}

async function lookups(at) {
	const round = { at };
	for (const [attribute, value] of [["userName", (i) => `user${i}@example.com`], ["externalId", (i) => `ext-${i}`]]) {
		if (legacy && attribute === "externalId") {
			// v1.6.30's filter knows only userName.
			round[`${attribute}_us`] = null;
			round[`${attribute}_hits`] = null;
			continue;
		}
		let total = 0;
		let hits = 0;
		for (let n = 0; n < LOOKUPS; n++) {
			const filter = `${attribute} eq "${value(below(at))}"`;
			const started = performance.now();
			const list = await call("GET", `/Users?filter=${encodeURIComponent(filter)}`, undefined, 200);
			total += performance.now() - started;
			if (list.totalResults === 1) hits++;
		}
		round[`${attribute}_us`] = (total * 1000) / LOOKUPS;
		round[`${attribute}_hits`] = hits;
	}
	return round;
}

async function page(start) {
	let total = 0;
	let items = 0;
	for (let n = 0; n < PAGE_REPEATS; n++) {
		const started = performance.now();
		const list = await call("GET", `/Users?startIndex=${start}&count=${PAGE_SIZE}`, undefined, 200);
		total += performance.now() - started;
		items = list.Resources?.length ?? 0;
	}
	return [total / PAGE_REPEATS, items];
}

const ids = [];
const rounds = [];
let creating = 0;
for (let i = 0; i < users; i++) {
	const started = performance.now();
	const created = await call("POST", "/Users", user(i), 201);
	creating += performance.now() - started;
	ids.push(created.id);
	if (i + 1 === EARLY && users > EARLY) rounds.push(await lookups(EARLY));
}
rounds.push(await lookups(users));

const deepStart = Math.max(users - (PAGE_SIZE - 1), 1);
const [firstMs, firstItems] = await page(1);
const [deepMs, deepItems] = await page(deepStart);

const patches = Math.min(PATCHES, users);
const path = legacy ? "name.formatted" : "displayName";
const patchStatus = legacy ? 204 : 200;
const patchStarted = performance.now();
for (let n = 0; n < patches; n++) {
	const id = ids[below(users)];
	await call("PATCH", `/Users/${id}`, {
		schemas: [PATCH_SCHEMA],
		Operations: [{ op: "replace", path, value: `Renamed ${n}` }],
	}, patchStatus);
}
const patching = performance.now() - patchStarted;

sqlite.close();
process.stdout.write(`${JSON.stringify({
	line: pin,
	users,
	creates_per_s: users / (creating / 1000),
	lookups: rounds,
	page_first_ms: firstMs,
	page_first_items: firstItems,
	page_deep_ms: deepMs,
	page_deep_items: deepItems,
	page_deep_start: deepStart,
	patches,
	patches_per_s: patches / (patching / 1000),
	patch_path: path,
})}\n`);
