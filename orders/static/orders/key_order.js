// The key-an-order page (O1): customer search, product picker, delivery by region, running total,
// and the card taken in Stripe's own field (Stripe.js) so the number never reaches the mint's server.
(function () {
  "use strict";
  const form = document.getElementById("key-order");
  const $ = (id) => document.getElementById(id);
  const field = (name) => form.elements[name];
  const pounds = (pence) => "£" + (pence / 100).toLocaleString("en-GB", {minimumFractionDigits: 2});
  const options = JSON.parse($("delivery-options").textContent);
  const lines = [];  // {sku, name, price_pence, stock, quantity, engraving}

  function debounce(fn, ms) {
    let timer;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  async function found(url, q) {
    const response = await fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin"});
    return response.ok ? response.json() : {};
  }

  function listChoices(box, items, label, choose) {
    box.replaceChildren(...items.map((item) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label(item);
      button.addEventListener("click", () => { box.replaceChildren(); choose(item); });
      return button;
    }));
  }

  // --- the customer ---------------------------------------------------------------------
  function chooseCustomer(customer) {
    field("customer").value = customer.id;
    $("customer-search").value = customer.name;
    $("customer-chosen").textContent = `${customer.name} — ${customer.email} ${customer.phone} ${customer.postcode}` +
      (customer.restricted ? " (RESTRICTED: the mint does not supply this customer)" : "");
    const select = $("saved-address");
    select.replaceChildren(select.options[0]);
    customer.addresses.forEach((a) => {
      const option = new Option(`${a.label ? a.label + ": " : ""}${a.name}, ${a.address}, ${a.postcode}`, a.id);
      option.dataset.address = JSON.stringify(a);
      select.add(option);
    });
    if (customer.addresses.length) { select.selectedIndex = 1; }
    useAddress();
  }

  $("customer-search").addEventListener("input", debounce(async (event) => {
    const data = await found(form.dataset.customersUrl, event.target.value);
    listChoices($("customers-found"), data.customers || [],
      (c) => `${c.name} · ${c.phone || "no phone"} · ${c.postcode} · ${c.email}`, chooseCustomer);
  }, 200));

  // --- the address and delivery options that reach it ------------------------------------
  function useAddress() {
    const option = $("saved-address").selectedOptions[0];
    const saved = option && option.dataset.address ? JSON.parse(option.dataset.address) : null;
    field("address_id").value = saved ? saved.id : "";
    ["delivery_name", "delivery_address", "delivery_postcode", "delivery_country"].forEach((name) => {
      field(name).readOnly = Boolean(saved);
    });
    if (saved) {
      field("delivery_name").value = saved.name;
      field("delivery_address").value = saved.address;
      field("delivery_postcode").value = saved.postcode;
      field("delivery_country").value = saved.country;
    }
    offerDelivery();
  }

  function offerDelivery() {
    const region = (field("delivery_country").value || "GB").toUpperCase() === "GB" ? "uk" : "overseas";
    const select = field("delivery_option");
    const chosen = select.value;
    select.replaceChildren(...options.filter((o) => o.region === region).map(
      (o) => new Option(`${o.name} (${pounds(o.charge_pence)})`, o.code, false, o.code === chosen)));
    total();
  }

  $("saved-address").addEventListener("change", useAddress);
  field("delivery_country").addEventListener("input", offerDelivery);
  field("delivery_option").addEventListener("change", total);

  // --- the products -----------------------------------------------------------------------
  function addProduct(product, quantity = 1, engraving = "") {
    const line = lines.find((l) => l.sku === product.sku);
    if (line) { line.quantity += quantity; } else { lines.push({...product, quantity, engraving}); }
    $("product-search").value = "";
    drawLines();
  }

  function drawLines() {
    const body = $("order-lines").tBodies[0];
    body.replaceChildren(...lines.map((line, index) => {
      const row = body.insertRow();
      const cell = (content) => {
        const td = row.insertCell();
        if (content instanceof Node) { td.append(content); } else { td.textContent = content; }
        return td;
      };
      cell(line.sku); cell(line.name); cell(pounds(line.price_pence)); cell(String(line.stock));
      const quantity = Object.assign(document.createElement("input"),
        {type: "number", min: 1, value: line.quantity, className: "vIntegerField", name: "quantity-" + index});
      quantity.addEventListener("input", () => { line.quantity = parseInt(quantity.value, 10) || 0; total(); });
      cell(quantity);
      const engraving = Object.assign(document.createElement("input"), {value: line.engraving, size: 20});
      engraving.addEventListener("input", () => { line.engraving = engraving.value; write(); });
      cell(engraving);
      cell("").className = "line-total";
      const remove = Object.assign(document.createElement("button"), {type: "button", textContent: "Remove"});
      remove.addEventListener("click", () => { lines.splice(index, 1); drawLines(); });
      cell(remove);
      return row;
    }));
    total();
  }

  $("product-search").addEventListener("input", debounce(async (event) => {
    const data = await found(form.dataset.productsUrl, event.target.value);
    listChoices($("products-found"), data.products || [],
      (p) => `${p.sku} · ${p.name} · ${pounds(p.price_pence)} · ${p.stock} in stock`, (p) => addProduct(p));
  }, 200));

  // --- the running total, and the hidden "lines" field the server reads --------------------
  function write() {
    field("lines").value = lines.filter((l) => l.quantity > 0)
      .map((l) => `${l.sku} ${l.quantity}` + (l.engraving ? ` | ${l.engraving}` : "")).join("\n");
  }

  function total() {
    write();
    const rows = $("order-lines").tBodies[0].rows;
    let goods = 0;
    lines.forEach((line, index) => {
      goods += line.price_pence * line.quantity;
      if (rows[index]) { rows[index].querySelector(".line-total").textContent = pounds(line.price_pence * line.quantity); }
    });
    const option = options.find((o) => o.code === field("delivery_option").value);
    const delivery = option && lines.length ? option.charge_pence : 0;
    $("running-total").textContent = pounds(goods + delivery);
    $("total-parts").textContent = `(goods ${pounds(goods)}, delivery ${pounds(delivery)})`;
  }

  // --- the card, in Stripe's own field ------------------------------------------------------
  let stripe = null;
  let card = null;
  function showCard() {
    const isCard = field("payment_method").value === "card";
    $("card-row").hidden = !isCard;
    $("instalments-row").hidden = field("payment_method").value !== "instalments";
    if (isCard && !card && window.Stripe && form.dataset.stripeKey) {
      stripe = window.Stripe(form.dataset.stripeKey);
      card = stripe.elements().create("card");
      card.mount("#card-element");
    }
  }
  field("payment_method").addEventListener("change", showCard);

  function cardError(message) {
    $("card-errors").textContent = message;
    $("card-errors").style.display = "block";
    $("place-order").disabled = false;
  }

  form.addEventListener("submit", async (event) => {
    write();
    if (field("payment_method").value !== "card" || field("stripe_payment_method_id").value) { return; }
    event.preventDefault();
    if (!card) { cardError("Stripe's card field did not load; choose another way to pay or reload."); return; }
    $("place-order").disabled = true;
    const response = await fetch(form.dataset.cardSetupUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": field("csrfmiddlewaretoken").value},
    });
    if (!response.ok) { cardError("Stripe could not be reached; try again."); return; }
    const {client_secret: secret} = await response.json();
    const result = await stripe.confirmCardSetup(secret, {payment_method: {card: card}});
    if (result.error) { cardError(result.error.message || "The card was refused."); return; }
    field("stripe_payment_method_id").value = result.setupIntent.payment_method;
    form.submit();
  });

  // --- shown again after a refusal: put back what was keyed -----------------------------------
  const chosen = JSON.parse($("customer-chosen-data").textContent);
  if (chosen) { chooseCustomer(chosen); }
  offerDelivery();
  showCard();
  field("lines").value.split("\n").filter(Boolean).forEach(async (row) => {
    const [item, engraving = ""] = row.split("|");
    const [sku, quantity] = item.trim().split(/\s+/);
    const data = await found(form.dataset.productsUrl, sku);
    const product = (data.products || []).find((p) => p.sku === sku);
    if (product) { addProduct(product, parseInt(quantity, 10) || 1, engraving.trim()); }
  });
})();
