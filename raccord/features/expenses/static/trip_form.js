// The mileage form of an expense report (served as a file: the console's
// Content-Security-Policy allows no inline script).
(function () {
  const form = document.getElementById('trip-form');
  if (!form) return;
  const places = form.dataset.places === 'on';
  const error = document.getElementById('trip-error');
  function show(message) { error.textContent = message || ''; error.hidden = !message; }
  function uuid() { return (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()); }
  form.querySelectorAll('[data-address]').forEach(function (input) {
    const list = document.getElementById(input.id + '-list');
    let session = null, timer = null;
    if (!places) return;
    input.addEventListener('input', function () {
      // One session token per address being typed: Google bills the typing as one session.
      if (!session) session = uuid();
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) { list.hidden = true; return; }
      timer = setTimeout(async function () {
        const answer = await fetch('/api/v1/mileage/addresses?q=' + encodeURIComponent(text) + '&session=' + session,
                                   {credentials: 'same-origin'});
        const body = await answer.json();
        list.innerHTML = '';
        if (!answer.ok) { show(body.error); list.hidden = true; return; }
        show('');
        body.suggestions.forEach(function (s) {
          const item = document.createElement('li');
          item.textContent = s.description; item.tabIndex = 0; item.setAttribute('role', 'option');
          function pick() { input.value = s.description; list.hidden = true; session = null; };
          item.addEventListener('click', pick);
          item.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); pick(); } });
          list.appendChild(item);
        });
        list.hidden = body.suggestions.length === 0;
      }, 200);
    });
  });
  const compute = document.getElementById('compute');
  if (compute) compute.addEventListener('click', async function () {
    const from = document.getElementById('trip_from').value, to = document.getElementById('trip_to').value;
    const round = document.getElementById('round_trip').checked;
    const answer = await fetch('/api/v1/mileage/distance?origin=' + encodeURIComponent(from) + '&destination=' +
                               encodeURIComponent(to) + '&round_trip=' + round, {credentials: 'same-origin'});
    const body = await answer.json();
    if (!answer.ok) { show(body.error); return; }
    show('');
    document.getElementById('computed_km').value = body.distance_km;
    document.getElementById('distance_km').value = body.distance_km;
  });
})();
