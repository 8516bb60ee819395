// node_clients.mjs - node-redis (6, the current release, and 4) and
// ioredis (6 and 5) against a running carid, each with its defaults plus
// the options users set: a name, db 0, a password, pipelines and
// transactions.  Usage: node node_clients.mjs PORT PASSWORD
// Prints "ok NAME" or "FAIL NAME: why" per check and exits 1 on a failure.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(process.env.CARID_NODE_MODULES + '/');
const port = Number(process.argv[2]);
const password = process.argv[3];
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    console.log('ok   ' + name);
  } catch (e) {
    failed++;
    console.log('FAIL ' + name + ': ' + (e && e.stack ? e.stack : e));
  }
}

// Each client writes its own word, so their counts do not mix.
const WORDS = { noderedis6: 'kedelai', noderedis4: 'jagung',
                ioredis6: 'singkong', ioredis6resp3: 'ubi', ioredis5: 'talas' };
const doc = (w) => ['title', 'Berita ' + w, 'body', 'Warga bicara ' + w,
                    'source', 'uji', 'date', '2024-05-01'];

async function nodeRedis(pkg, label) {
  const { createClient } = require(pkg);
  const url = `redis://default:${password}@127.0.0.1:${port}/0`;
  const c = createClient({ url, name: label + '-conn' });
  c.on('error', () => {});
  await c.connect();
  const word = WORDS[label];
  await check(label + ' connects with its defaults', async () => {
    assert.equal(await c.ping(), 'PONG');
  });
  await check(label + ' name option set the name', async () => {
    assert.equal(await c.sendCommand(['CLIENT', 'GETNAME']), label + '-conn');
  });
  await check(label + ' multi() is a transaction', async () => {
    const r = await c.multi()
      .addCommand(['PUT', label + '-1', ...doc(word)])
      .addCommand(['PUT', label + '-2', ...doc(word)])
      .addCommand(['COUNT', word])
      .exec();
    assert.deepEqual(r, ['OK', 'OK', 2]);
  });
  await check(label + ' multi() with a bad PUT applies nothing', async () => {
    await assert.rejects(c.multi()
      .addCommand(['PUT', label + '-3', ...doc(word)])
      .addCommand(['PUT', label + '-4', 'date', 'kemarin'])
      .exec());
    assert.equal(await c.sendCommand(['GET', label + '-3']), null);
  });
  await check(label + ' pipeline', async () => {
    const r = await Promise.all([c.sendCommand(['COUNT', word]),
                                 c.sendCommand(['GET', 'tidak-ada'])]);
    assert.deepEqual(r, [2, null]);
  });
  await c.quit();
}

async function ioredis(pkg, label, extra) {
  const Redis = require(pkg);
  const r = new Redis({ host: '127.0.0.1', port, password,
                        connectionName: label + '-conn', db: 0,
                        lazyConnect: true, maxRetriesPerRequest: 0,
                        retryStrategy: () => null, ...extra });
  r.on('error', () => {});
  await r.connect();
  const word = WORDS[label];
  await check(label + ' connects (ready check reads INFO)', async () => {
    assert.equal(await r.ping(), 'PONG');
    assert.equal(r.status, 'ready');
  });
  await check(label + ' connectionName set the name', async () => {
    assert.equal(await r.client('GETNAME'), label + '-conn');
  });
  await check(label + ' multi() is a transaction', async () => {
    const res = await r.multi().call('PUT', label + '-1', ...doc(word))
      .call('COUNT', word).exec();
    assert.deepEqual(res, [[null, 'OK'], [null, 1]]);
  });
  await check(label + ' pipeline()', async () => {
    const res = await r.pipeline().call('COUNT', word)
      .call('GET', 'tidak-ada').exec();
    assert.deepEqual(res, [[null, 1], [null, null]]);
  });
  r.disconnect();
}

async function ioredisNoPassword(pkg, label, noauthPort) {
  // A password carid does not need: ioredis warns and carries on, because
  // carid's reply is Redis's text.
  const Redis = require(pkg);
  const r = new Redis({ host: '127.0.0.1', port: noauthPort,
                        password: 'tidak-perlu', lazyConnect: true,
                        maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  const warn = console.warn;
  console.warn = () => {};
  try {
    await check(label + ' with an unneeded password connects', async () => {
      await r.connect();
      assert.equal(await r.ping(), 'PONG');
    });
  } finally {
    console.warn = warn;
    r.disconnect();
  }
}

await nodeRedis('redis', 'noderedis6');
await nodeRedis('redis4', 'noderedis4');
await ioredis('ioredis', 'ioredis6', {});
await ioredis('ioredis', 'ioredis6resp3', { protocol: 3 });
await ioredis('ioredis5', 'ioredis5', {});
if (process.argv[4])
  for (const [pkg, label] of [['ioredis', 'ioredis6'], ['ioredis5', 'ioredis5']])
    await ioredisNoPassword(pkg, label, Number(process.argv[4]));
console.log(`node clients: ${failed ? 'FAILED' : 'all ok'}`);
process.exit(failed ? 1 : 0);
