// Query kiosk: back to the start screen after a minute without a touch; word buttons fill the search box; print button.
(() => {
  const idle = Number(document.body.dataset.idleSeconds || 60) * 1000;
  let timer;
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { window.location.href = '/kiosk'; }, idle);
  };
  ['pointerdown', 'keydown', 'input', 'touchstart', 'scroll'].forEach(e => document.addEventListener(e, reset, { passive: true }));
  reset();

  const box = document.getElementById('kiosk-q');
  document.querySelectorAll('[data-word]').forEach(b => b.addEventListener('click', () => {
    box.value = (box.value + b.dataset.word).slice(0, 50);
    box.form.submit();
  }));
  document.querySelectorAll('[data-clear]').forEach(b => b.addEventListener('click', () => { box.value = ''; box.focus(); }));
  // The report arrives in a frame out of sight; once it has loaded, print it from there (the page itself is not the report).
  document.querySelectorAll('[data-print-report]').forEach(form => {
    const frame = document.getElementById(form.target);
    const status = document.getElementById('print-status');
    let asked = false;
    form.addEventListener('submit', () => { asked = true; status.textContent = '正在出具信用报告…'; });
    frame.addEventListener('load', () => {
      if (!asked) return;
      asked = false;
      status.textContent = '信用报告已出具，正在打印';
      try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch { status.textContent = '信用报告已出具，请联系工作人员打印'; }
    });
  });
})();
