"""The origin policy of /open-cash-drawer (README, Security): with
allowed_origins set, a browser request is judged by Origin, else the origin
of its Referer, else Sec-Fetch-Site; refusals are 403 origin_not_allowed,
logged with the origin, and no byte reaches the printer. With the list
empty, every page may open (as before) and the service says so. Requests
carry exactly the headers CLIENTS.md measured from Chromium."""
import pytest

from e2elib import expect, logfile

POS = "http://10.99.0.2:8069"
SHOP = "https://shop.odoo.com"
EVIL = "http://evil.example"

# What the field clients send: a no-cors GET has no Origin, only Referer and Sec-Fetch-*.
def no_cors(page):
    return {"Accept": "*/*", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors",
            "Sec-Fetch-Dest": "empty", "Referer": page + "/",
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0"}


def cors(page):
    return dict(no_cors(page), **{"Origin": page, "Sec-Fetch-Mode": "cors"})


@pytest.fixture
def restricted(start_daemon, printer):
    return start_daemon(printer.uri, ["--min-interval-ms", "0",
                                      "--allowed-origins", f"{SHOP}, {POS}"])


def assert_refused(daemon, printer, resp, mark, origin, basis, method="GET"):
    if method == "GET":
        expect.assert_json(resp, 403, expect.ORIGIN_NOT_ALLOWED)
    else:
        assert resp.status == 403
    assert resp.header("Access-Control-Allow-Origin") is None
    assert printer.settle() == []
    assert logfile.messages(daemon.log_lines_since(mark), "WARNING") == [
        expect.ORIGIN_REFUSED_LINE.format(peer="127.0.0.1", method=method, origin=origin,
                                          basis=basis)]


def test_listed_pages_no_cors_get_opens_exactly_as_field_clients_send_it(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.get("/open-cash-drawer", headers=no_cors(POS))

    expect.assert_json(resp, 200, expect.OPENED)
    assert resp.header("Access-Control-Allow-Origin") is None  # no Origin, no CORS
    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert logfile.messages(restricted.log_lines_since(mark)) == [
        expect.OPENED_LINE.format(peer="127.0.0.1")]


def test_listed_origin_in_cors_mode_opens_and_may_read_the_answer(restricted, printer):
    resp = restricted.get("/open-cash-drawer", headers=cors(SHOP))

    expect.assert_json(resp, 200, expect.OPENED)
    assert resp.header("Access-Control-Allow-Origin") == SHOP
    assert resp.header("Vary") == "Origin"
    assert printer.settle() == [expect.OPENED_DEFAULT]


def test_origin_written_with_its_default_port_is_the_listed_origin(restricted, printer):
    resp = restricted.get("/open-cash-drawer", headers={"Origin": "https://SHOP.odoo.com:443"})

    expect.assert_json(resp, 200, expect.OPENED)
    assert resp.header("Access-Control-Allow-Origin") == SHOP
    assert printer.settle() == [expect.OPENED_DEFAULT]


def test_unlisted_pages_no_cors_get_is_refused_by_its_referer(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.get("/open-cash-drawer", headers=no_cors(EVIL))

    assert_refused(restricted, printer, resp, mark, EVIL, "Referer")


def test_unlisted_origin_is_refused(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.get("/open-cash-drawer", headers=cors(EVIL))

    assert_refused(restricted, printer, resp, mark, EVIL, "Origin")


def test_unlisted_origin_is_refused_even_with_a_listed_referer(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.get("/open-cash-drawer",
                          headers={"Origin": EVIL, "Referer": POS + "/pos/ui",
                                   "Sec-Fetch-Site": "cross-site"})

    assert_refused(restricted, printer, resp, mark, EVIL, "Origin")


def test_another_port_of_a_listed_host_is_another_origin(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.get("/open-cash-drawer", headers=no_cors("http://10.99.0.2:8070"))

    assert_refused(restricted, printer, resp, mark, "http://10.99.0.2:8070", "Referer")


def test_null_origin_of_a_sandboxed_page_is_refused(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.get("/open-cash-drawer", headers={"Origin": "null",
                                                        "Sec-Fetch-Site": "cross-site"})

    assert_refused(restricted, printer, resp, mark, "null", "Origin")


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_without_origin_nor_referer_a_cross_or_same_site_request_is_refused(restricted, printer,
                                                                            site):
    mark = restricted.log_mark()

    resp = restricted.get("/open-cash-drawer", headers={"Sec-Fetch-Site": site,
                                                        "Sec-Fetch-Mode": "no-cors"})

    expect.assert_json(resp, 403, expect.ORIGIN_NOT_ALLOWED)
    assert printer.settle() == []
    assert logfile.messages(restricted.log_lines_since(mark), "WARNING") == [
        "127.0.0.1 GET /open-cash-drawer 403 origin_not_allowed - origine inconnue non "
        f"autorisée (Sec-Fetch-Site: {site}, ni Origin ni Referer)"]


@pytest.mark.parametrize("headers", [{}, {"Sec-Fetch-Site": "none"},
                                     {"Sec-Fetch-Site": "same-origin"}],
                         ids=["curl", "address-bar", "same-origin"])
def test_non_browser_address_bar_and_same_origin_requests_open(restricted, printer, headers):
    resp = restricted.get("/open-cash-drawer", headers=headers)

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT]


def test_head_from_an_unlisted_origin_is_refused_and_never_kicks(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.raw("HEAD", "/open-cash-drawer", extra=f"Origin: {EVIL}\r\n".encode())

    assert_refused(restricted, printer, resp, mark, EVIL, "Origin", method="HEAD")
    assert resp.body == b""


def test_status_and_logs_stay_readable_by_any_page_but_without_cors(restricted, printer):
    status = restricted.get("/status", headers=cors(EVIL))
    logs = restricted.get("/logs", headers=cors(EVIL))

    assert status.status == 200 and logs.status == 200
    assert status.header("Access-Control-Allow-Origin") is None
    assert logs.header("Access-Control-Allow-Origin") is None
    # a listed origin may read them (a dashboard of the POS)
    listed = restricted.get("/status", headers=cors(POS))
    assert listed.header("Access-Control-Allow-Origin") == POS
    assert restricted.get("/logs", headers=cors(POS)).header("Access-Control-Allow-Origin") == POS


def test_status_says_the_origin_policy_is_restricted(restricted):
    security = restricted.get("/status").json()["security"]

    assert security["origin_policy"] == "restricted"
    assert security["allowed_origins"] == [SHOP, POS]
    assert security["networks_restricted"] is False
    assert security["token_required"] is False


def test_origins_are_logged_normalised_at_start(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--allowed-origins", "HTTPS://Shop.Odoo.com:443",
                                        "--allowed-origins", "http://[0:0::1]:8069"])

    assert logfile.messages(daemon.log_lines(), "WARNING") == []
    logfile.assert_one_line(daemon.log_lines(), "INFO",
                            "Origines autorisées : https://shop.odoo.com, http://[::1]:8069")
    assert daemon.get("/status").json()["security"]["allowed_origins"] == [
        "https://shop.odoo.com", "http://[::1]:8069"]


# ---- the open policy: today's behaviour, said loudly ----

@pytest.fixture
def open_policy(start_daemon, printer):
    return start_daemon(printer.uri, ["--min-interval-ms", "0"])


def test_empty_list_warns_at_start(open_policy):
    logfile.assert_one_line(open_policy.log_lines(), "WARNING", expect.OPEN_POLICY_WARNING)


def test_empty_list_lets_any_page_open_as_before(open_policy, printer):
    for headers in (no_cors(EVIL), cors(EVIL), {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}):
        resp = open_policy.get("/open-cash-drawer", headers=headers)
        expect.assert_json(resp, 200, expect.OPENED)
        # open to every page, but no page may read the answer: that needs a listed origin
        assert resp.header("Access-Control-Allow-Origin") is None
    assert printer.settle() == [expect.OPENED_DEFAULT] * 4


def test_status_says_the_origin_policy_is_open(open_policy):
    security = open_policy.get("/status").json()["security"]

    assert security == {
        "origin_policy": "open", "allowed_origins": [], "networks_restricted": False,
        "token_required": False,
        "connections": {"max": 512, "max_per_ip": 32, "lan_max": 384, "lan_open": 0,
                        "refused": 0, "timed_out": 0}}


@pytest.mark.parametrize("value,reason", [
    ("https://shop.odoo.com/pos/ui", "'https://shop.odoo.com/pos/ui' has a path: an origin is "
                                     "scheme://host[:port] only (write https://shop.odoo.com)"),
    ("https://*.odoo.com", "wildcards are not supported"),
])
def test_bad_origin_in_a_file_is_reported_with_its_line(daemon_bin, tmp_path, value, reason):
    import subprocess
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text(f"[cashdrawerd]\nprinter = tcp://127.0.0.1:9100\nallowed_origins = {value}\n")

    result = subprocess.run([str(daemon_bin), "--config", str(ini), "--check-config"],
                            capture_output=True, text=True, timeout=10)

    assert result.returncode == 2
    assert result.stderr.startswith(f"{ini}:3: allowed_origins: ")
    assert reason in result.stderr
