// The parts both POS pages share (tests/e2e/test_odoo_browser.py): the
// receipt as an HTML element, 512 px wide with a white background like
// Odoo's .pos-receipt-print, its two renderings into a canvas, and the
// report the page POSTs to its own server. Written for these tests in the
// shape Odoo's POS uses (docs/odoo.md), not taken from Odoo.

export const RECEIPT_CSS = `
.pos-receipt-print { width: 512px; font-size: 27px; color: #000; background: #fff; }
.pos-receipt { font-family: "DejaVu Sans", sans-serif; padding: 0 8px; line-height: 1.25; }
.pos-receipt .center { text-align: center; }
.pos-receipt .shop { font-size: 40px; font-weight: bold; }
.pos-receipt .small { font-size: 20px; }
.pos-receipt .grey { color: #666; }
.pos-receipt .line { display: flex; justify-content: space-between; white-space: nowrap; }
.pos-receipt .detail { font-size: 22px; padding-left: 24px; white-space: nowrap; }
.pos-receipt .rule { border-top: 2px dashed #000; margin: 10px 0; }
.pos-receipt .total { font-size: 36px; font-weight: bold; }
`;

const ITEMS = [["Baguette tradition", 2, 1.30], ["Croissant au beurre", 6, 1.20],
  ["Pain aux céréales 400 g", 1, 3.80], ["Éclair café", 2, 2.90],
  ["Kouign-amann (part)", 3, 2.60], ["Jus d'orange pressé", 1, 3.50]];
const euros = v => v.toFixed(2).replace(".", ",");

// The receipt in the page, as the POS shows it before printing.
export function receiptElement(title) {
  const style = document.createElement("style");
  style.textContent = RECEIPT_CSS;
  document.head.appendChild(style);
  let total = 0, lines = "";
  for (const [name, qty, unit] of ITEMS) {
    total += qty * unit;
    lines += `<div class="line"><span>${name}</span><span>${euros(qty * unit)}</span></div>` +
             `<div class="detail grey">${qty} × ${euros(unit)} € / Unité</div>`;
  }
  const element = document.createElement("div");
  element.className = "pos-receipt-print";
  element.innerHTML = `<div class="pos-receipt">
    <div class="center shop">Boulangerie du Port</div>
    <div class="center small">${title}</div>
    <div class="center small">12 quai des Indes, 56100 Lorient</div>
    <div class="rule"></div>${lines}<div class="rule"></div>
    <div class="line total"><span>TOTAL</span><span>${euros(total)} €</span></div>
    <div class="line"><span>Espèces</span><span>${euros(50)}</span></div>
    <div class="line"><span>Rendu</span><span>${euros(50 - total)}</span></div>
    <div class="center small">Commande 00042-003-0007</div>
    <div class="center small">Merci de votre visite !</div></div>`;
  document.body.appendChild(element);
  return element;
}

function whiteCanvas(width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  return [canvas, context];
}

// What html-to-image does for Odoo 17 and later: the element and its style
// in an SVG foreignObject, drawn on a white canvas at pixel ratio 1.
export async function renderForeignObject(element) {
  const width = Math.ceil(element.clientWidth), height = Math.ceil(element.clientHeight);
  const xhtml = new XMLSerializer().serializeToString(element);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<foreignObject x="0" y="0" width="100%" height="100%">` +
    `<div xmlns="http://www.w3.org/1999/xhtml"><style>${RECEIPT_CSS}</style>${xhtml}</div>` +
    `</foreignObject></svg>`;
  const image = new Image();
  await new Promise((resolve, reject) => {
    image.onload = resolve;
    image.onerror = () => reject(new Error("the SVG did not load"));
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  });
  const [canvas, context] = whiteCanvas(width, height);
  context.drawImage(image, 0, 0, width, height);
  return canvas;
}

// What html2canvas does for Odoo 14 to 16: the element's boxes and text
// drawn again with the canvas API, from their laid-out positions.
export function renderCanvas2d(element) {
  const origin = element.getBoundingClientRect();
  const [canvas, context] = whiteCanvas(512, Math.ceil(origin.height));
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const style = getComputedStyle(node), border = parseFloat(style.borderTopWidth);
      if (style.borderTopStyle !== "none" && border > 0) {
        // as filled boxes on whole pixels, as html2canvas paints borders
        const box = node.getBoundingClientRect();
        const top = Math.round(box.top - origin.top), right = Math.round(box.right - origin.left);
        const dash = style.borderTopStyle === "dashed" ? 3 * border : right;
        context.fillStyle = style.borderTopColor;
        for (let x = Math.round(box.left - origin.left); x < right; x += 2 * dash) {
          context.fillRect(x, top, Math.min(dash, right - x), Math.round(border));
        }
      }
      continue;
    }
    const text = node.textContent.replace(/\s+/g, " ").trim();
    if (!text) continue;
    const style = getComputedStyle(node.parentElement);
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    context.fillStyle = style.color;
    const metrics = context.measureText(text);
    const ascent = metrics.fontBoundingBoxAscent, descent = metrics.fontBoundingBoxDescent;
    context.fillText(text, box.left - origin.left,
                     box.top - origin.top + (box.height - ascent - descent) / 2 + ascent);
  }
  return canvas;
}

// Odoo's print_receipt image: the canvas as JPEG, base64 without the prefix.
export function odooJpeg(canvas) {
  return canvas.toDataURL("image/jpeg").replace("data:image/jpeg;base64,", "");
}

export function query() {
  const q = new URLSearchParams(location.search);
  return {url: q.get("url"), force: q.get("force") === "1"};
}

export async function report(result) {
  await fetch("/result", {method: "POST", body: JSON.stringify(result)});
  document.getElementById("out").textContent = "done";
}
