/* Studio editor for the MAGIX credential pathway: title and XML, checked as you type, saved only when valid. */
function MagixCredentialStudio(runtime, element, init) {
    'use strict';
    var root = element.querySelector ? element : element[0];
    var xml = root.querySelector('textarea[name=pathway_xml]');
    var title = root.querySelector('input[name=display_name]');
    var problems = root.querySelector('.magix-studio__problems');
    var timer = null;

    function show(list, heading) {
        problems.innerHTML = '';
        [heading].concat(list || []).forEach(function (text) {
            if (!text) { return; }
            var item = document.createElement('li');
            item.textContent = text;
            problems.appendChild(item);
        });
    }

    function post(handler, data) {
        return $.ajax({type: 'POST', url: runtime.handlerUrl(root, handler), data: JSON.stringify(data),
                       contentType: 'application/json; charset=utf-8', dataType: 'json'});
    }

    function check() {
        post('check_pathway', {pathway_xml: xml.value}).done(function (r) {
            show(r.problems, r.problems.length ? null : init.strings.valid);
        });
    }

    xml.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(check, 600);
    });

    var load = root.querySelector('.magix-credentials-studio__load');
    if (load) {
        load.addEventListener('click', function () {
            var chosen = init.pathways[Number(root.querySelector('select[name=shipped]').value)];
            if (chosen && window.confirm(init.strings.replace)) {
                xml.value = chosen;
                check();
            }
        });
    }

    root.querySelector('.save-button').addEventListener('click', function () {
        show([], init.strings.saving);
        if (runtime.notify) { runtime.notify('save', {state: 'start'}); }
        post('studio_submit', {display_name: title.value, pathway_xml: xml.value}).done(function (r) {
            if (r.result === 'success') {
                show([], init.strings.saved);
                if (runtime.notify) { runtime.notify('save', {state: 'end'}); }
            } else {
                show(r.errors, init.strings.error);
                if (runtime.notify) { runtime.notify('error', {title: init.strings.error, message: r.errors.join(' ')}); }
            }
        });
    });

    root.querySelector('.cancel-button').addEventListener('click', function () {
        if (runtime.notify) { runtime.notify('cancel', {}); }
    });
}
