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
  document.querySelectorAll('[data-print]').forEach(b => b.addEventListener('click', () => window.print()));
})();
