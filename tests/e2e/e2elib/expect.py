"""What the daemon answers and logs, spelled out once."""
from .web import json_bytes

KICK_DEFAULT = bytes([0x1B, 0x70, 0x00, 0x19, 0xFA])  # ESC p, pin 2, 50 ms on, 500 ms off
QUERY_PRINTER = bytes([0x10, 0x04, 0x01])  # DLE EOT 1: drawer pin 3, online
# An opening: the kick alone, answered as soon as the printer has it.
OPENED_DEFAULT = KICK_DEFAULT
# GET /open-cash-drawer?read_back=true on a printer that answers status: the
# kick, then the drawer read back once the pulse had time to throw it.
READ_BACK = "?read_back=true"
OPENED_READ_BACK = KICK_DEFAULT + QUERY_PRINTER
JSON_TYPE = "application/json; charset=utf-8"

# The default answer does not wait for the pulse: the drawer is not read.
OPENED = {"status": "success", "message": "Tiroir-caisse ouvert", "coalesced": False,
          "drawer": "unknown"}
COALESCED = {"status": "success", "message": "Tiroir-caisse ouvert", "coalesced": True,
             "drawer": "unknown"}
# ?read_back=true, the drawer read back open after the pulse.
OPENED_READ = {**OPENED, "drawer": "open"}
COALESCED_READ = {**COALESCED, "drawer": "open"}
# Where the drawer cannot be read back (a plain file, a printer that does not answer).
OPENED_UNREAD = {**OPENED, "drawer": "unknown"}
NOT_LOCAL = {"status": "error", "error": "not_local", "message": "Accès refusé - Local uniquement"}
NOT_FOUND = {"status": "error", "error": "not_found",
             "message": "Ressource introuvable : /, /open-cash-drawer, /status, /logs, /metrics, "
                      "/hw_proxy/hello, /hw_proxy/handshake, /hw_proxy/status_json, "
                      "/hw_proxy/default_printer_action, /hw_proxy/open_cashbox"}
METHOD_NOT_ALLOWED = {"status": "error", "error": "method_not_allowed",
                      "message": "Méthode non autorisée : utilisez GET"}
PRINTER_MESSAGES = {
    "printer_refused": "L'imprimante refuse la connexion : vérifiez qu'elle est allumée et que "
                       "son adresse est la bonne.",
    "printer_timeout": "L'imprimante ne répond pas à temps : vérifiez qu'elle est allumée, en "
                       "ligne et sans bourrage papier.",
    "printer_unreachable": "Imprimante injoignable sur le réseau : vérifiez son câble, son adresse "
                           "et qu'elle est allumée.",
    "printer_io_error": "Erreur de communication avec l'imprimante : vérifiez le câble puis "
                        "réessayez.",
    "printer_busy": "L'imprimante est occupée par d'autres ouvertures et ne répond pas assez "
                    "vite : réessayez dans un instant.",
    "printer_not_found": "Imprimante introuvable : vérifiez qu'elle est branchée et allumée.",
    "printer_queue_not_found": "File d'impression introuvable : vérifiez le nom de l'imprimante "
                               "dans les réglages du service et du système.",
    "printer_queue_stopped": "La file d'impression est suspendue : réactivez l'imprimante dans "
                             "les réglages d'impression du système.",
    "printer_spooler_down": "Le service d'impression du système ne répond pas : redémarrez-le "
                            "(CUPS ou le spouleur Windows).",
    "printer_connection_lost": "L'imprimante a coupé la connexion avant de confirmer l'ordre "
                               "d'ouverture : le tiroir ne s'est peut-être pas ouvert. Vérifiez "
                               "l'imprimante puis réessayez.",
}
BAD_DATE = {"status": "error", "error": "bad_date",
            "message": "Date invalide : utilisez /logs?date=AAAA-MM-JJ (par exemple 2025-02-01)"}
BAD_QUERY = {"status": "error", "error": "bad_query",
             "message": "Paramètre inconnu : utilisez /logs ou /logs?date=AAAA-MM-JJ"}
LOG_NOT_FOUND = {"status": "error", "error": "log_not_found", "message": "Aucun journal pour cette date"}

OPENED_LINE = "{peer} GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert"
COALESCED_LINE = "{peer} GET /open-cash-drawer 200 coalesced - Tiroir-caisse ouvert (impulsion partagée)"
NOT_LOCAL_LINE = "{peer} GET /open-cash-drawer 403 not_local - Accès refusé - Local uniquement"


def printer_error(code):
    return {"status": "error", "error": code, "message": PRINTER_MESSAGES[code]}


def assert_json(resp, status, body):
    """Exact status, content type and body bytes (cJSON's unformatted output)."""
    assert resp.status == status, f"status {resp.status}, body {resp.body!r}"
    assert resp.header("Content-Type") == JSON_TYPE
    assert resp.body == json_bytes(body), f"body {resp.body.decode('utf-8', 'replace')}"

# ---- access refusals (README, Security) ----
ORIGIN_NOT_ALLOWED = {"status": "error", "error": "origin_not_allowed",
                      "message": "Accès refusé - page web non autorisée (allowed_origins)"}
HOST_NOT_ALLOWED = {"status": "error", "error": "host_not_allowed",
                    "message": "Accès refusé - nom d'hôte non autorisé : appelez http://localhost "
                               "ou http://127.0.0.1"}
NETWORK_NOT_ALLOWED = {"status": "error", "error": "network_not_allowed",
                       "message": "Accès refusé - réseau non autorisé (allowed_networks)"}
TOKEN_REQUIRED = {"status": "error", "error": "token_required",
                  "message": "Jeton d'accès requis : en-tête Authorization: Bearer JETON"}
TOKEN_INVALID = {"status": "error", "error": "token_invalid", "message": "Jeton d'accès invalide"}

OPEN_POLICY_WARNING = ("allowed_origins est vide : toute page web ouverte sur ce poste peut ouvrir "
                       "le tiroir (réglez allowed_origins sur l'origine du point de vente ; voir "
                       "docs/security.md)")
ORIGIN_REFUSED_LINE = ("{peer} {method} /open-cash-drawer 403 origin_not_allowed - "
                       "origine {origin} non autorisée ({basis})")
HOST_REFUSED_LINE = ("{peer} {method} /open-cash-drawer 403 host_not_allowed - hôte {host} non "
                     "autorisé (seuls localhost, 127.x.x.x et [::1] le sont : rebond DNS ?)")
