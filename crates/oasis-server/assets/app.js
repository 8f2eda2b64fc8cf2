// Shared by every page: language (zh default, en switch), navigation, login, API calls.
"use strict";
const I18N = {
  zh: {
    brand: "绿洲 · 金昌水与生态", board: "城市看板", map: "管网地图", districts: "分区计量", air: "空气质量", water: "地表水", bills: "水价与账单",
    login: "登录", logout: "退出", user: "用户名", password: "密码", lang: "English", anonymous: "访客",
    good_air: "优良天数", good_rate: "优良率", water_good: "水质优良率 (I–III类)", ranking: "断面/城市排名", water_use: "用水总量 vs 双控上限",
    nrw: "产销差与漏损", greening: "绿化", no_data: "暂无数据", days: "天", cap: "上限", total: "合计", groundwater: "地下水",
    network: "管网", quantity: "着色", pressure: "压力", flow: "流量", velocity: "流速", time: "时间", run: "运行", steady: "稳态", extended: "延时模拟",
    upload: "上传 .inp", cancel: "取消", element: "元素", click_hint: "点击节点或管段查看数值与曲线", progress: "进度",
    district: "分区", level: "级别", balance: "水量平衡", night_flow: "夜间最小流量", station: "站点", date: "日期", category: "类别", primary: "首要污染物",
    evaluation: "评价", aqi_calendar: "AQI 日历", daily_aqi: "日 AQI", section: "断面", city: "城市", class: "类别", status: "状态", main_pollutants: "主要污染物",
    period: "时段", bills_for: "账单", held: "暂缓出账", quota: "用水计划执行", customer: "用户", component: "项目", band: "阶梯", volume: "水量 m³", unit_price: "单价", amount: "金额",
    plan: "计划 m³", actual: "实际 m³", over: "超计划 m³", percent: "完成率 %", show: "显示", sector: "行业", rank: "排名",
    targets: "目标与实际", indicator: "指标", year: "年份", target: "目标", actual_v: "实际", unit: "单位", source_of_actual: "实际值来源",
    head: "水头", demand: "需水量", headloss: "水头损失", actual_use: "实际",
    not_met: "未达标", met: "达标", within: "未超", exceeded: "超出", sections: "断面数", rating: "评价",
  },
  en: {
    brand: "Oasis · Jinchang water and ecology", board: "City board", map: "Network map", districts: "Districts", air: "Air quality", water: "Surface water", bills: "Prices and bills",
    login: "Log in", logout: "Log out", user: "User", password: "Password", lang: "中文", anonymous: "guest",
    good_air: "Good-air days", good_rate: "Good-air rate", water_good: "Water 优良率 (class I–III)", ranking: "City ranking (CWQI)", water_use: "Water use vs dual-control caps",
    nrw: "NRW and leakage", greening: "Greening", no_data: "no data yet", days: "days", cap: "cap", total: "total", groundwater: "groundwater",
    network: "Network", quantity: "Colour by", pressure: "Pressure", flow: "Flow", velocity: "Velocity", time: "Time", run: "Run", steady: "steady", extended: "extended period",
    upload: "Upload .inp", cancel: "Cancel", element: "Element", click_hint: "Click a node or link for its values and charts", progress: "Progress",
    district: "District", level: "Level", balance: "Water balance", night_flow: "Minimum night flow", station: "Station", date: "Date", category: "Category", primary: "Primary pollutant",
    evaluation: "Evaluation", aqi_calendar: "AQI calendar", daily_aqi: "Daily AQI", section: "Section", city: "City", class: "Class", status: "Status", main_pollutants: "Main pollutants",
    period: "Period", bills_for: "Bills", held: "Held back", quota: "Plan vs actual", customer: "Customer", component: "Component", band: "Band", volume: "Volume m³", unit_price: "Unit price", amount: "Amount",
    plan: "Plan m³", actual: "Actual m³", over: "Over plan m³", percent: "% of plan", show: "Show", sector: "Sector", rank: "Rank",
    targets: "Targets against actuals", indicator: "Indicator", year: "Year", target: "Target", actual_v: "Actual", unit: "Unit", source_of_actual: "Actual from",
    head: "Head", demand: "Demand", headloss: "Head loss", actual_use: "actual",
    not_met: "not met", met: "met", within: "within", exceeded: "EXCEEDED", sections: "Sections", rating: "Rating",
  },
};
const Oasis = {
  lang: localStorage.getItem("oasis-lang") || "zh",
  me: { user: null, role: null, csrf: null },
  t(key) { return (I18N[Oasis.lang] && I18N[Oasis.lang][key]) || key; },
  applyLang() {
    document.documentElement.lang = Oasis.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = Oasis.t(el.dataset.i18n); });
    document.title = Oasis.t(document.body.dataset.page || "brand") + " · Oasis";
  },
  setLang(l) { Oasis.lang = l; localStorage.setItem("oasis-lang", l); Oasis.applyLang(); document.dispatchEvent(new Event("oasis-lang")); },
  async api(path, opts = {}) {
    const headers = Object.assign({}, opts.headers || {});
    if (opts.method && opts.method !== "GET" && Oasis.me.csrf) headers["X-CSRF-Token"] = Oasis.me.csrf;
    const r = await fetch(path, Object.assign({}, opts, { headers, credentials: "same-origin" }));
    const text = await r.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = { message: text }; }
    if (!r.ok) {
      const err = new Error((body && body.message) || r.statusText);
      err.status = r.status; err.body = body; throw err;
    }
    return body;
  },
  showError(el, err) {
    if (typeof el === "string") el = document.getElementById(el);
    if (!el) return;
    const lines = [err.message];
    if (err.body && Array.isArray(err.body.errors)) err.body.errors.forEach(e => lines.push("  " + (e.text || JSON.stringify(e))));
    el.innerHTML = ""; const d = document.createElement("div"); d.className = "error"; d.textContent = lines.join("\n"); el.appendChild(d);
  },
  esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c])); },
  table(cols, rows) {
    const h = "<tr>" + cols.map(c => `<th class="${c.num ? "num" : ""}">${Oasis.esc(Oasis.t(c.label))}</th>`).join("") + "</tr>";
    const b = rows.map(r => "<tr>" + cols.map(c => `<td class="${c.num ? "num" : ""}">${Oasis.esc(typeof c.get === "function" ? c.get(r) : r[c.key])}</td>`).join("") + "</tr>").join("");
    return `<table>${h}${b}</table>`;
  },
  async refreshMe() {
    try { Oasis.me = await Oasis.api("/api/me"); } catch (e) { Oasis.me = { user: null }; }
    const box = document.getElementById("who");
    if (!box) return;
    if (Oasis.me.user) {
      box.innerHTML = `<span>${Oasis.esc(Oasis.me.user)} (${Oasis.esc(Oasis.me.role)})</span> <button id="logout-btn" data-i18n="logout"></button>`;
      document.getElementById("logout-btn").onclick = async () => { await Oasis.api("/api/logout", { method: "POST" }); Oasis.me = {}; Oasis.refreshMe(); };
    } else {
      box.innerHTML = `<input id="login-user" size="8" placeholder="user"> <input id="login-pass" type="password" size="8" placeholder="password"> <button id="login-btn" data-i18n="login"></button>`;
      document.getElementById("login-btn").onclick = async () => {
        try {
          await Oasis.api("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: document.getElementById("login-user").value, password: document.getElementById("login-pass").value }) });
          await Oasis.refreshMe();
        } catch (e) { alert(e.message); }
      };
    }
    Oasis.applyLang();
  },
  header(active) {
    const pages = [["board", "/"], ["map", "/map"], ["districts", "/districts"], ["air", "/air"], ["water", "/water"], ["bills", "/bills"]];
    const h = document.createElement("header");
    h.innerHTML = `<span class="brand" data-i18n="brand"></span><nav>` +
      pages.map(([k, href]) => `<a href="${href}" id="nav-${k}" class="${k === active ? "active" : ""}" data-i18n="${k}"></a>`).join("") +
      `</nav><span class="right"><span id="who"></span><button id="lang-btn" data-i18n="lang"></button></span>`;
    document.body.prepend(h);
    document.getElementById("lang-btn").onclick = () => Oasis.setLang(Oasis.lang === "zh" ? "en" : "zh");
    Oasis.applyLang();
    Oasis.refreshMe();
  },
  chart(el) {
    const node = typeof el === "string" ? document.getElementById(el) : el;
    const c = echarts.getInstanceByDom(node) || echarts.init(node);
    const set = c.setOption.bind(c);
    c.setOption = (opt, notMerge) => set(Object.assign({ animation: false }, opt), notMerge);
    return c;
  },
};
const qs = new URLSearchParams(location.search);
if (qs.get("lang") === "en" || qs.get("lang") === "zh") { Oasis.lang = qs.get("lang"); localStorage.setItem("oasis-lang", Oasis.lang); }
