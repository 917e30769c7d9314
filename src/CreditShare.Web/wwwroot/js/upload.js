// Progressive enhancement: show upload progress for large files; without JavaScript the form posts normally.
document.getElementById('upload-form').addEventListener('submit', function (e) {
    var form = e.target, file = form.querySelector('input[type=file]').files[0];
    if (!file || !window.XMLHttpRequest) return;
    e.preventDefault();
    var bar = document.getElementById('upload-progress'), status = document.getElementById('upload-status');
    bar.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action || location.href);
    xhr.upload.onprogress = function (p) { if (p.lengthComputable) { bar.value = p.loaded * 100 / p.total; status.textContent = '上传中 ' + Math.round(bar.value) + '%'; } };
    xhr.upload.onload = function () { status.textContent = '已上传，正在校验和入库…'; };
    xhr.onload = function () {
        if (xhr.responseURL && xhr.responseURL.indexOf('/Reporting/Batch') >= 0) { location.href = xhr.responseURL; return; }
        document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () { status.textContent = '上传失败，请检查网络后重试'; };
    xhr.send(new FormData(form));
});
