/** @odoo-module */
/*
 * cashdrawer.js: opens the cash drawer through cashdrawerd from a web page
 * (an Odoo POS addon or any web POS). A dependency-free ES module.
 *
 *   import { openCashDrawer } from './cashdrawer.js';
 *   try {
 *     const answer = await openCashDrawer();      // {status: 'success', drawer: 'open', ...}
 *   } catch (error) {
 *     // error.reason: 'service_down' | 'refused' | 'printer_error' | 'timeout' | ...
 *     showPopup(error.message);
 *   }
 *
 * Unlike the no-cors fetch of older clients (an opaque answer: success and
 * failure look the same), this one uses mode 'cors' and reads the service's
 * real answer. That needs the page's origin in cashdrawerd's allowed_origins
 * (README, Security); otherwise the browser hides the answer and the call
 * rejects with reason 'service_down'.
 */

export const DEFAULT_URL = 'http://localhost:22548/open-cash-drawer';

/* Why an opening failed, for the program (reason, code) and the cashier (message). */
export class CashDrawerError extends Error {
  constructor(reason, message, { status = 0, code = null, body = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CashDrawerError';
    /* 'service_down': not running, unreachable, or the browser blocked the call
     *   (page not in allowed_origins, local network access not granted);
     * 'refused': the service refused this client (403/401; code says why);
     * 'printer_error': the drawer could not be pulsed (code: printer_refused...);
     * 'timeout': no answer within timeoutMs;
     * 'service_error': any other answer (code and status say which). */
    this.reason = reason;
    this.status = status; /* HTTP status, 0 without an answer */
    this.code = code;     /* the service's "error" code, e.g. 'printer_refused' */
    this.body = body;     /* the service's JSON answer, when there is one */
  }
}

function reasonOf(status, code) {
  if (status === 401 || status === 403) return 'refused';
  if (typeof code === 'string' && code.startsWith('printer_')) return 'printer_error';
  if (code === 'service_stopping') return 'service_down';
  return 'service_error';
}

/*
 * The URL asked: url, with read_back=true when readBack (the service then
 * answers once the pulse has thrown the drawer, with its state read back).
 */
export function openUrl(url = DEFAULT_URL, readBack = true) {
  if (!readBack) return url;
  /* relative to the page, as fetch would take it */
  const asked = new URL(url, globalThis.location === undefined ? undefined : globalThis.location.href);
  asked.searchParams.set('read_back', 'true');
  return asked.href;
}

/*
 * Asks cashdrawerd to open the drawer. Resolves with the service's JSON
 * ({status: 'success', message: 'Tiroir-caisse ouvert', coalesced, drawer}),
 * rejects with a CashDrawerError. Never throws anything else.
 *   url        the service's endpoint (default http://localhost:22548/open-cash-drawer)
 *   readBack   ask for the drawer's state read back after the pulse (default
 *              true): drawer is then 'open' or 'closed' where the printer
 *              answers status ('unknown' otherwise), and the answer comes
 *              once the pulse is over (its pulse_on_ms, 50 ms by default);
 *              false answers as soon as the printer has the kick, drawer
 *              'unknown'
 *   timeoutMs  longest wait for the whole answer (default 5000)
 *   fetch      the fetch to use (tests, or a wrapped fetch)
 */
export async function openCashDrawer({
  url: base = DEFAULT_URL,
  readBack = true,
  timeoutMs = 5000,
  fetch: f = globalThis.fetch,
} = {}) {
  let url;
  try {
    url = openUrl(base, readBack);
  } catch (error) {
    throw new CashDrawerError('service_error',
      `Adresse du service du tiroir-caisse invalide : ${base}`, { cause: error });
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  let body = null;
  try {
    try {
      response = await f(url, {
        method: 'GET',
        mode: 'cors',
        cache: 'no-store',
        credentials: 'omit',
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.aborted) {
        throw new CashDrawerError('timeout',
          `Le service du tiroir-caisse ne répond pas (${timeoutMs} ms) : ${url}`, { cause: error });
      }
      throw new CashDrawerError('service_down',
        `Service du tiroir-caisse injoignable (${url}) : est-il démarré, et cette page ` +
        `est-elle autorisée (allowed_origins, accès au réseau local) ?`, { cause: error });
    }
    try {
      body = await response.json();
    } catch (error) {
      if (controller.signal.aborted) {
        throw new CashDrawerError('timeout',
          `Le service du tiroir-caisse ne répond pas (${timeoutMs} ms) : ${url}`,
          { status: response.status, cause: error });
      }
      body = null;
    }
  } finally {
    clearTimeout(timer);
  }
  if (response.ok && body !== null && body.status === 'success') {
    return body;
  }
  const code = body !== null && typeof body.error === 'string' ? body.error : null;
  const message = body !== null && typeof body.message === 'string'
    ? body.message
    : `Réponse inattendue du service du tiroir-caisse (HTTP ${response.status})`;
  throw new CashDrawerError(body === null && response.ok ? 'service_error' : reasonOf(response.status, code),
    message, { status: response.status, code, body });
}
