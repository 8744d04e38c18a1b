"""The receipt pipeline end to end, without the daemon's routes (issue 15):
the receipt Chromium rendered into a canvas and exported as Odoo does
(tests/fixtures/receipt/odoo-receipt.jpg) goes through src/receipt
(receipt-convert) to the printer simulator over TCP, which writes what it
printed as a PNG at the cut; its dots are compared with the same canvas
exported losslessly (odoo-receipt.png) and thresholded at mid-grey.
Figures at the time of writing: text 99.94 % of pixels agree, ink IoU
0.994; the logo (a grey gradient, dithered) keeps its mean tone."""
import re
import socket
import subprocess
from pathlib import Path

import pytest

from e2elib.sim import SimulatorOutput
from e2elib.skips import skip_or_fail

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "receipt"
LOGO = (166, 6, 346, 96)  # the logo's box in the fixture (measure_bw.py finds it)

try:
    from PIL import Image
except ImportError:  # Debian's python3-pil, in TEST_PACKAGES
    Image = None


@pytest.fixture
def convert(sim_bin):
    """receipt-convert, built beside the simulator."""
    path = Path(sim_bin).parent / "receipt-convert"
    assert path.is_file(), f"{path} is not built (cmake --build build)"
    return path


@pytest.fixture
def pil():
    if Image is None:
        skip_or_fail("Pillow is not installed (apt-get install python3-pil)")
    return Image


class Printer:
    """escpos-sim with --receipts: where it listens and what it says."""

    def __init__(self, spawn, sim_bin, receipts, dump, args=()):
        receipts.mkdir(exist_ok=True)
        self.proc = spawn([sim_bin, "--port", "0", "--receipts", receipts, "--dump", dump, *args],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                          errors="replace")
        self.output = SimulatorOutput(self.proc.stdout)
        listening = self.output.next_line(r"^escpos-sim: listening on ", 5)
        self.port = int(listening.rsplit(":", 1)[1])
        self.output.next_line(rf"^escpos-sim: receipts go to {re.escape(str(receipts))} "
                              r"\(receipt-0001\.png next\)$", 5)

    def send(self, data):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
            connection.sendall(data)

    def command(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self.output.next_line(r"^escpos-sim: state: ", 5)


def converted(convert, tmp_path, *args, source=FIXTURE / "odoo-receipt.jpg"):
    out = tmp_path / "receipt.bin"
    subprocess.run([convert, *args, source, out], check=True, capture_output=True, timeout=60)
    return out.read_bytes()


def agreement(printed, reference, offset=0):
    """(share of the text pixels that agree, ink IoU of the text, the logo's
    mean grey printed and in the reference): printed dots at x + offset."""
    ref, out = reference.load(), printed.load()
    agree = total = both = either = 0
    logo_out = logo_ref = logo_count = 0
    for y in range(reference.height):
        for x in range(reference.width):
            black = out[x + offset, y] == 0
            if LOGO[0] <= x < LOGO[2] and LOGO[1] <= y < LOGO[3]:
                logo_out += 0 if black else 255
                logo_ref += ref[x, y]
                logo_count += 1
                continue
            want = ref[x, y] < 128
            total += 1
            agree += black == want
            both += black and want
            either += black or want
    return agree / total, both / either, logo_out / logo_count, logo_ref / logo_count


def test_odoo_receipt_prints_the_canvas_dot_for_dot(spawn, sim_bin, convert, pil, tmp_path):
    printer = Printer(spawn, sim_bin, tmp_path / "receipts", tmp_path / "dump")
    data = converted(convert, tmp_path)

    printer.send(data)

    # the real-time pulse off while image data goes (it may hold DLE DC4 1 m t),
    # 1123 rows: four bands of 255 and one of 103, each announced, the pulse on again
    printer.output.next_line(r"real-time commands \(GS \( D\): DLE DC4 1 pulse disabled$", 10)
    for rows in (255, 255, 255, 255, 103):
        line = printer.output.next_line(r"raster image \(GS v 0 0\)", 10)
        assert f": 512 x {rows} dots, {64 * rows} bytes" in line, line
    printer.output.next_line(r"real-time commands \(GS \( D\): DLE DC4 1 pulse enabled$", 10)
    written = printer.output.next_line(r"^escpos-sim: receipt ", 10)
    path = tmp_path / "receipts" / "receipt-0001.png"
    assert written == f"escpos-sim: receipt 1 written to {path} (512 x 1123 dots)"
    assert (tmp_path / "dump").read_bytes() == data
    printed = pil.open(path)
    assert (printed.mode, printed.size) == ("1", (512, 1123))
    reference = pil.open(FIXTURE / "odoo-receipt.png").convert("L")
    text, iou, logo_printed, logo_canvas = agreement(printed.convert("L"), reference)
    print(f"text pixels agreeing {text:.4%}, ink IoU {iou:.4f}, "
          f"logo mean grey printed {logo_printed:.1f} vs canvas {logo_canvas:.1f}")
    assert text >= 0.999 and iou >= 0.99
    assert abs(logo_printed - logo_canvas) < 8


def test_a_512_receipt_on_576_dot_paper_is_centred(spawn, sim_bin, convert, pil, tmp_path):
    printer = Printer(spawn, sim_bin, tmp_path / "receipts", tmp_path / "dump",
                      ["--paper-dots", "576"])

    printer.send(converted(convert, tmp_path, "--dots", "576", "--cut", "full"))

    assert "(576 x 1123 dots)" in printer.output.next_line(r"^escpos-sim: receipt 1 ", 10)
    printed = pil.open(tmp_path / "receipts" / "receipt-0001.png").convert("L")
    margins = [printed.getpixel((x, y)) for y in range(printed.height)
               for x in list(range(32)) + list(range(544, 576))]
    assert set(margins) == {255}
    reference = pil.open(FIXTURE / "odoo-receipt.png").convert("L")
    text, iou, _, _ = agreement(printed, reference, offset=32)
    assert text >= 0.999 and iou >= 0.99


def test_receipts_are_numbered_and_a_bare_cut_writes_none(spawn, sim_bin, convert, tmp_path):
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    (receipts / "receipt-0007.png").write_bytes(b"an earlier run's")
    printer = Printer.__new__(Printer)
    printer.proc = spawn([sim_bin, "--port", "0", "--receipts", receipts],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printer.output = SimulatorOutput(printer.proc.stdout)
    printer.port = int(printer.output.next_line(r"listening on ", 5).rsplit(":", 1)[1])
    printer.output.next_line(r"receipts go to .* \(receipt-0008\.png next\)$", 5)
    small = FIXTURE / "odoo-receipt.jpg"

    printer.send(b"\x1d\x56\x42\x00")
    printer.output.next_line(r"cut with nothing printed since the last one: no receipt written", 5)
    printer.send(converted(convert, tmp_path, "--feed", "2", source=small))
    printer.output.next_line(r"print and feed 2 lines \(ESC d\)", 10)
    # the two lines of feed (30 dots each, the TM-T88V's line spacing) are on the paper
    assert printer.output.next_line(r"^escpos-sim: receipt 8 ", 10).endswith(
        "receipt-0008.png (512 x 1183 dots)")
    assert (receipts / "receipt-0007.png").read_bytes() == b"an earlier run's"


def test_nothing_is_printed_while_the_paper_is_out(spawn, sim_bin, convert, tmp_path):
    printer = Printer(spawn, sim_bin, tmp_path / "receipts", tmp_path / "dump")
    assert "paper out" in printer.command("paper out")

    printer.send(converted(convert, tmp_path))

    printer.output.next_line(r"cut \(GS V 66\).* -> held in buffer: printer offline", 10)
    assert list((tmp_path / "receipts").iterdir()) == []


def test_refused_jpegs_send_nothing(convert, tmp_path):
    """What the converter says for what the routes will refuse, on the command line."""
    source = tmp_path / "cut.jpg"
    source.write_bytes((FIXTURE / "odoo-receipt.jpg").read_bytes()[:5000])
    run = subprocess.run([convert, source, tmp_path / "out.bin"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr == ("receipt-convert: corrupt_jpeg: JPEG coupé : ses 5000 octets ne finissent "
                          "pas par le marqueur de fin d'image FF D9 (corps de la requête tronqué ?)\n")
    assert (tmp_path / "out.bin").read_bytes() == b""
