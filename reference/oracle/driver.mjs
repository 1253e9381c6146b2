// Parity oracle: drives the real upstream Better Auth in-process for one pinned version.
//
//   node reference/oracle/driver.mjs <pin>        (pin = a directory next to this file, e.g. v1.7.1)
//
// Reads JSON Lines on stdin and answers each line with exactly one JSON line on stdout.
// The protocol is described in README.md next to this file. Nothing but protocol lines is
// written to stdout; diagnostics go to stderr and are off by default.

import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

// Upstream reads a few environment variables at import time or during init (NODE_ENV, TEST,
// BETTER_AUTH_SECRET(S), BETTER_AUTH_URL, ...). The oracle must not depend on the caller's
// shell, so they are removed before upstream is loaded. NODE_ENV stays unset on purpose: that
// is the behaviour the parity suite compares against (not "test", not "development").
for (const name of Object.keys(process.env)) {
	if (
		name === "NODE_ENV" ||
		name === "TEST" ||
		name === "AUTH_SECRET" ||
		name === "BASE_URL" ||
		name.startsWith("BETTER_AUTH_")
	) {
		delete process.env[name];
	}
}

// stdout carries the protocol only: anything upstream prints through console goes to stderr.
for (const level of ["log", "info", "debug"]) {
	console[level] = (...args) => console.error(...args);
}

const DEFAULT_BASE_URL = "http://localhost:3000";
// Fixed so that signed cookies and tokens are reproducible across runs (40 characters).
const DEFAULT_SECRET = "bulwark-parity-oracle-secret-00000000000";

const here = dirname(fileURLToPath(import.meta.url));
const pin = process.argv[2];
if (!pin || pin.includes("/") || pin.startsWith(".")) {
	process.stderr.write("usage: node driver.mjs <pin>   (for example v1.7.1)\n");
	process.exit(2);
}
const pinDir = join(here, pin);
if (!existsSync(join(pinDir, "node_modules"))) {
	process.stderr.write(
		`driver: ${pinDir}/node_modules is missing; run \`npm ci --prefix ${pinDir}\` first\n`,
	);
	process.exit(2);
}

// Resolve a package specifier as if it were imported from the pin's directory, so both pins
// can be served by this one file. All upstream packages export a "default" condition, which
// CommonJS resolution accepts; the resolved file is then loaded as ESM.
const requireFromPin = createRequire(join(pinDir, "package.json"));
const load = (specifier) => import(pathToFileURL(requireFromPin.resolve(specifier)).href);

const [core, plugins, scimModule, memory, migration, coreDb, Sqlite] = await Promise.all([
	load("better-auth"),
	load("better-auth/plugins"),
	load("@better-auth/scim"),
	load("better-auth/adapters/memory"),
	load("better-auth/db/migration"),
	load("@better-auth/core/db"),
	load("better-sqlite3"),
]);

/** The current instance: `{ auth, sqlite, origin }`, replaced by every `init`. */
let current = null;

/** JSON reviver: `{"$date": "<ISO 8601>"}` becomes a `Date` (for options and `call` args). */
function revive(_key, value) {
	if (
		value !== null &&
		typeof value === "object" &&
		!Array.isArray(value) &&
		Object.keys(value).length === 1 &&
		typeof value.$date === "string"
	) {
		return new Date(value.$date);
	}
	return value;
}

/** Maps `[{name, options}]` to plugin instances. */
function buildPlugins(list) {
	if (list === undefined) return [];
	if (!Array.isArray(list)) throw new Error("options.plugins must be a list of {name, options}");
	return list.map((entry) => {
		const name = typeof entry === "string" ? entry : entry?.name;
		const opts = typeof entry === "string" ? undefined : entry.options;
		if (name === "scim") return scimModule.scim(opts);
		const factory = plugins[name];
		if (typeof factory !== "function") throw new Error(`unknown plugin: ${name}`);
		return factory(opts);
	});
}

async function init(message) {
	const given = message.options ?? {};
	if (typeof given !== "object" || Array.isArray(given)) throw new Error("options must be an object");
	const database = message.database ?? "memory";
	if (database !== "memory" && database !== "sqlite") {
		throw new Error(`database must be "memory" or "sqlite", got ${JSON.stringify(database)}`);
	}

	await dispose();

	const memoryDb = {};
	const sqlite = database === "sqlite" ? new Sqlite.default(":memory:") : null;
	const options = {
		...given,
		baseURL: given.baseURL ?? DEFAULT_BASE_URL,
		secret: given.secret ?? DEFAULT_SECRET,
		telemetry: { enabled: false },
		rateLimit: given.rateLimit ?? { enabled: false },
		logger: given.logger ?? { disabled: true },
		plugins: buildPlugins(given.plugins),
		database: sqlite ?? memory.memoryAdapter(memoryDb),
	};

	try {
		const auth = core.betterAuth(options);
		// The resolved options include internal plugins added during init, so the table list and
		// the migrations are derived from them rather than from what the caller passed.
		const context = await auth.$context;
		if (sqlite) {
			const { runMigrations } = await migration.getMigrations(context.options);
			await runMigrations();
		} else {
			// The memory adapter only knows the models present in its data object.
			for (const table of Object.values(coreDb.getAuthTables(context.options))) {
				memoryDb[table.modelName] ??= [];
			}
		}
		current = { auth, sqlite, origin: new URL(context.options.baseURL || DEFAULT_BASE_URL).origin };
	} catch (error) {
		sqlite?.close();
		throw error;
	}
	return { ok: true };
}

async function dispose() {
	const previous = current;
	current = null;
	previous?.sqlite?.close();
}

function requireInstance() {
	if (!current) throw new Error("no instance: send an init line first");
	return current;
}

function headerPairs(headers) {
	const pairs = [];
	let cookiesDone = false;
	for (const [name, value] of headers) {
		if (name === "set-cookie") {
			if (cookiesDone) continue;
			cookiesDone = true;
			for (const cookie of headers.getSetCookie()) pairs.push(["set-cookie", cookie]);
			continue;
		}
		pairs.push([name.toLowerCase(), value]);
	}
	return pairs;
}

async function responseLine(response) {
	return {
		status: response.status,
		headers: headerPairs(response.headers),
		body: await response.text(),
	};
}

function toHeaders(value) {
	if (value === undefined || value === null) return new Headers();
	if (Array.isArray(value)) return new Headers(value.map(([k, v]) => [String(k), String(v)]));
	if (typeof value === "object") return new Headers(value);
	throw new Error("headers must be a list of [name, value] pairs or an object");
}

async function request(message) {
	const { auth, origin } = requireInstance();
	const method = (message.method ?? "GET").toUpperCase();
	const path = message.path;
	if (typeof path !== "string" || !path.startsWith("/")) throw new Error("path must start with /");
	const body = message.body ?? null;
	if (body !== null && typeof body !== "string") throw new Error("body must be a string or null");
	const req = new Request(origin + path, {
		method,
		headers: toHeaders(message.headers),
		body: method === "GET" || method === "HEAD" ? null : body,
	});
	return responseLine(await auth.handler(req));
}

function isApiError(error) {
	return (
		error !== null &&
		typeof error === "object" &&
		typeof error.statusCode === "number" &&
		"body" in error
	);
}

async function call(message) {
	const { auth } = requireInstance();
	const name = message.method;
	const endpoint = auth.api[name];
	if (typeof endpoint !== "function") throw new Error(`unknown api method: ${name}`);
	const args = { ...(message.args ?? {}) };
	if ("headers" in args) args.headers = toHeaders(args.headers);
	try {
		let result = await endpoint(args);
		if (result instanceof Response) {
			result = await responseLine(result);
		} else if (result && typeof result === "object" && result.headers instanceof Headers) {
			// `returnHeaders: true` yields `{ headers, response }`.
			result = { ...result, headers: headerPairs(result.headers) };
		}
		return { ok: true, result: result === undefined ? null : result };
	} catch (error) {
		if (!isApiError(error)) throw error;
		return {
			ok: false,
			status: error.statusCode,
			statusText: typeof error.status === "string" ? error.status : null,
			body: error.body ?? null,
		};
	}
}

async function adapter(message) {
	const { auth } = requireInstance();
	const context = await auth.$context;
	const allowed = ["findOne", "findMany", "count"];
	if (!allowed.includes(message.method)) {
		throw new Error(`adapter method must be one of ${allowed.join(", ")}`);
	}
	const result = await context.adapter[message.method](message.args ?? {});
	return { ok: true, result: result === undefined ? null : result };
}

async function handle(line) {
	let message;
	try {
		message = JSON.parse(line, revive);
	} catch (error) {
		return { error: `invalid JSON: ${error.message}` };
	}
	const reply = await dispatch(message).catch((error) => ({
		error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
	}));
	if (message && typeof message === "object" && "id" in message) reply.id = message.id;
	return reply;
}

function dispatch(message) {
	switch (message?.op) {
		case "init":
			return init(message).catch((error) => ({
				ok: false,
				error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
			}));
		case "request":
			return request(message);
		case "call":
			return call(message);
		case "adapter":
			return adapter(message);
		default:
			return Promise.reject(new Error(`unknown op: ${JSON.stringify(message?.op)}`));
	}
}

process.on("unhandledRejection", (error) => {
	process.stderr.write(`driver: unhandled rejection: ${error?.stack ?? error}\n`);
});

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
	if (line.trim() === "") continue;
	const reply = await handle(line);
	let text;
	try {
		text = JSON.stringify(reply);
	} catch (error) {
		text = JSON.stringify({ error: `unserialisable reply: ${error.message}`, id: reply.id });
	}
	process.stdout.write(`${text}\n`);
}
await dispose();
