"""Odoo's hardware proxy in tests: the JSON-RPC calls stock Odoo POS makes
to an IoT box (docs/odoo.md), and what cashdrawerd answers and logs for
them, spelled out once."""
import base64
import json
import time
from pathlib import Path

from . import logfile
from .web import json_bytes

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "receipt"
JSON_TYPE = "application/json; charset=utf-8"
PING_TYPE = "text/plain; charset=utf-8"

HELLO = "/hw_proxy/hello"
HANDSHAKE = "/hw_proxy/handshake"
STATUS = "/hw_proxy/status_json"
ACTION = "/hw_proxy/default_printer_action"
OPEN_CASHBOX = "/hw_proxy/open_cashbox"

# status_json's words for the printer (src/drawer/health.c)
NOT_CHECKED = "Imprimante pas encore vérifiée"
PAPER_OUT = "Plus de papier : remettez un rouleau"
COVER_OPEN = "Capot de l'imprimante ouvert : refermez-le"
IN_ERROR = "Imprimante en erreur : éteignez-la puis rallumez-la"
OFFLINE = "Imprimante hors ligne"
NEAR_END = "Papier bientôt épuisé"
SILENT = "L'imprimante ne répond pas aux demandes d'état : vérifiez le câble"

# the French messages of the hardware proxy's refusals (src/base/outcome.h)
MESSAGES = {
    "invalid_request": "Appel JSON-RPC invalide",
    "unknown_action": "Action inconnue : cashbox ou print_receipt",
    "not_base64": "Ticket illisible : le champ receipt n'est pas du base64",
    "not_jpeg": "Ticket illisible : ce n'est pas une image JPEG",
    "corrupt_jpeg": "Ticket illisible : image JPEG tronquée ou abîmée",
    "unsupported_jpeg": "Ticket non imprimable : JPEG progressif, CMJN ou 12 bits",
    "empty_image": "Ticket vide : image sans largeur ou sans hauteur",
    "image_too_wide": "Ticket trop large (receipt_max_width)",
    "image_too_tall": "Ticket trop long (receipt_max_height)",
    "not_local": "Accès refusé - Local uniquement",
    "host_not_allowed": "Accès refusé - nom d'hôte non autorisé : appelez http://localhost "
                        "ou http://127.0.0.1",
    "origin_not_allowed": "Accès refusé - page web non autorisée (allowed_origins)",
    "body_too_large": "Corps de requête trop grand pour cette adresse",
    "length_required": "Longueur du corps requise : envoyez un en-tête Content-Length",
}
STATUS_OF = {"invalid_request": 400, "unknown_action": 400, "not_base64": 400, "not_jpeg": 400,
             "corrupt_jpeg": 400, "unsupported_jpeg": 400, "empty_image": 400,
             "image_too_wide": 413, "image_too_tall": 413, "not_local": 403,
             "host_not_allowed": 403, "origin_not_allowed": 403, "body_too_large": 413,
             "length_required": 411}


def envelope(params=None, id_=1):
    """The body Odoo's POS posts: {"jsonrpc":"2.0","method":"call","params":P,"id":N}."""
    return json.dumps({"jsonrpc": "2.0", "method": "call", "params": {} if params is None
                       else params, "id": id_}).encode()


def call(daemon, path, params=None, *, id_=1, headers=None, body=None, **kwargs):
    """One JSON-RPC call as the POS makes it (POST, Content-Type: application/json)."""
    kwargs.setdefault("timeout", 30)
    return daemon.request("POST", path, body=envelope(params, id_) if body is None else body,
                          headers={"Content-Type": "application/json", **(headers or {})},
                          **kwargs)


def cashbox(daemon, **kwargs):
    return call(daemon, ACTION, {"data": {"action": "cashbox"}}, **kwargs)


def print_receipt(daemon, jpeg, **kwargs):
    receipt = jpeg if isinstance(jpeg, str) else base64.b64encode(jpeg).decode("ascii")
    return call(daemon, ACTION, {"data": {"action": "print_receipt", "receipt": receipt}},
                **kwargs)


def result(value, id_=1):
    return {"jsonrpc": "2.0", "id": id_, "result": value}


def error(code, id_=1):
    """Odoo's own error shape (src/http/jsonrpc.c), with our code and French message."""
    message = MESSAGES[code]
    return {"jsonrpc": "2.0", "id": id_, "error": {
        "code": 200, "message": "Odoo Server Error",
        "data": {"name": f"cashdrawerd.{code}", "message": message, "arguments": [message],
                 "context": {}, "debug": ""}}}


def device(status, messages=""):
    return {"status": status, "messages": messages}


def status_result(status, messages="", id_=1):
    """status_json's result: the printer under "printer" and, for older POS, "escpos"."""
    return result({"printer": device(status, messages), "escpos": device(status, messages)}, id_)


def assert_answer(resp, status, body, content_type=JSON_TYPE):
    """Exact status, content type and body bytes (cJSON's unformatted output)."""
    assert resp.status == status, f"status {resp.status}, body {resp.body!r}"
    assert resp.header("Content-Type") == content_type
    expected = body if isinstance(body, bytes) else json_bytes(body)
    assert resp.body == expected, f"body {resp.body.decode('utf-8', 'replace')}"


def assert_error(resp, code, id_=1):
    assert_answer(resp, STATUS_OF[code], error(code, id_))


def wait_messages(daemon, mark, count, level=None, timeout=10.0):
    """The messages of the lines written after mark, once there are count of
    them (routine lines may wait 100 ms to share a write; bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        found = logfile.messages(daemon.log_lines_since(mark), level)
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"expected {count} new lines, got {found}"
        time.sleep(0.02)


def jpeg_of(name="odoo-receipt.jpg"):
    return (FIXTURE / name).read_bytes()


def b64(data):
    return base64.b64encode(data).decode("ascii")
