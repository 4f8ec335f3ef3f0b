// A button marked data-print prints the page (inline handlers are barred by the page's CSP).
document.addEventListener('click', function (e) {
  if (e.target.closest('[data-print]')) { window.print(); }
});
