// One WebSocket for every kind: lists first, then watches from the lowest list sequence;
// resumes from the last sequence after a close, lists again when the log was compacted.
import { listAll } from './api.js';
import { token } from './session.js';
import { KINDS, load, enqueue, clear } from './store.js';
import { stats, mark } from './stats.js';

const MAX_BACKOFF_MS = 30000;
let socket = null;
let stopped = true;
let backoffMs = 1000;
let retryTimer = null;
let onTrouble = () => {};

/** Lists every kind and starts watching; {@code trouble} hears why the stream is down (or null when it is back). */
export async function start(trouble) {
  stop();
  stopped = false;
  onTrouble = trouble;
  await relist();
}

export function stop() {
  stopped = true;
  clearTimeout(retryTimer);
  if (socket) {
    socket.onclose = null;
    socket.close();
    socket = null;
  }
  clear();
}

async function relist() {
  const startedAt = Date.now();
  mark('listing');
  try {
    const lists = await Promise.all(KINDS.map((kind) => listAll(`/${kind}`)));
    if (stopped) return;
    KINDS.forEach((kind, i) => load(kind, lists[i].items));
    const since = Math.min(...lists.map((list) => list.seq));
    stats.lastSeq = Math.max(...lists.map((list) => list.seq));
    stats.listedAt = Date.now();
    stats.listMs = stats.listedAt - startedAt;
    mark('listed');
    connect(since);
  } catch (e) {
    onTrouble(`Listing failed: ${e.message}`);
    retryLater(relist);
  }
}

function connect(sinceSeq) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/api/v1/watch?kinds=${KINDS.join(',')}&sinceSeq=${sinceSeq}`;
  const ws = new WebSocket(url, ['rune.watch', `rune.bearer.${token()}`]);
  stats.socketsOpenedAt.push(Math.round(performance.now()));
  socket = ws;
  let resumeFrom = sinceSeq;
  let compacted = false;
  ws.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === 'ERROR') {
      if (frame.code === 'Compacted') compacted = true;
      else onTrouble(`Watch stopped (${frame.code}); resuming`);
      return;
    }
    backoffMs = 1000;
    onTrouble(null);
    if (frame.type === 'BOOKMARK') {
      stats.lastSeq = Math.max(stats.lastSeq, frame.seq);
      return;
    }
    resumeFrom = Math.max(resumeFrom, frame.seq);
    enqueue(frame);
  };
  ws.onclose = () => {
    if (stopped || socket !== ws) return;
    socket = null;
    if (compacted) {
      retryLater(relist);
    } else {
      onTrouble('The live stream closed; reconnecting');
      retryLater(() => connect(resumeFrom));
    }
  };
}

function retryLater(action) {
  if (stopped) return;
  clearTimeout(retryTimer);
  retryTimer = setTimeout(action, backoffMs);
  backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
}
