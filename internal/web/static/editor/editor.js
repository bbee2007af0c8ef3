// The body editor of the console's item form (信息正文): pell 1.0.6 (MIT, vendored from npm beside this file) over
// the form's textarea. Without JavaScript the textarea is the editor, and the server turns plain text and pasted HTML
// into the same body; with it, the officer sees the document as it will be published.
//
// Pasting is handled here: the clipboard's HTML (Word, WPS, a web page) or plain text is sent to the server, which
// cleans it with the same rules as saving (internal/richtext), and the clean HTML is inserted. So a table pasted from
// Word arrives as a table with its merged cells, and no Word styles, scripts or event handlers ever reach the page.
(function () {
  'use strict';
  var area = document.getElementById('body');
  if (!area || !window.pell || !document.execCommand) {
    return;
  }
  var form = area.form;
  var status = document.getElementById('body-status');
  var cleanURL = area.getAttribute('data-clean');
  var exec = window.pell.exec;

  var box = document.createElement('div');
  box.className = 'pell body-pell';
  area.parentNode.insertBefore(box, area);
  var sync = function () {
    area.value = content.innerHTML;
  };
  window.pell.init({
    element: box,
    defaultParagraphSeparator: 'p',
    onChange: function () {
      sync();
    },
    actions: [
      { name: 'bold', icon: '<b>加粗</b>', title: '加粗（Ctrl+B）' },
      { name: 'italic', icon: '<i>斜体</i>', title: '斜体（Ctrl+I）' },
      { name: 'underline', icon: '<u>下划线</u>', title: '下划线（Ctrl+U）' },
      { name: 'h2', icon: '标题', title: '标题：把所在段落设为标题', result: function () { return exec('formatBlock', '<h2>'); } },
      { name: 'h3', icon: '小标题', title: '小标题：把所在段落设为小标题', result: function () { return exec('formatBlock', '<h3>'); } },
      { name: 'paragraph', icon: '正文', title: '正文：把所在段落设为正文' },
      { name: 'olist', icon: '编号列表', title: '编号列表（1. 2. 3.）' },
      { name: 'ulist', icon: '符号列表', title: '项目符号列表（•）' },
      {
        name: 'link', icon: '链接', title: '链接：把选中的文字设为链接',
        result: function () {
          var url = window.prompt('链接地址（以 https:// 开头，或本站地址）');
          return url ? exec('createLink', url) : false;
        }
      }
    ]
  });
  var content = box.content;
  var bar = box.querySelector('.pell-actionbar');
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', '正文格式');
  bar.setAttribute('aria-controls', 'body-editable');
  content.id = 'body-editable';
  content.setAttribute('role', 'textbox');
  content.setAttribute('aria-multiline', 'true');
  content.setAttribute('aria-labelledby', 'body-label');
  content.setAttribute('aria-describedby', 'body-hint');
  content.innerHTML = area.value;
  area.hidden = true;
  document.getElementById('body-label').addEventListener('click', function () {
    content.focus();
  });

  var say = function (msg) {
    if (status) {
      status.textContent = msg;
    }
  };

  // insert puts clean HTML where the caret was when the officer pasted.
  var insert = function (html, range) {
    content.focus();
    var sel = window.getSelection();
    if (!range) {
      range = document.createRange();
      range.selectNodeContents(content);
      range.collapse(false);
    }
    sel.removeAllRanges();
    sel.addRange(range);
    // One paragraph pasted into a line goes into that line.
    var one = /^<p>((?:(?!<\/?p[\s>]).)*)<\/p>$/.exec(html);
    if (one) {
      html = one[1];
    }
    if (!document.execCommand('insertHTML', false, html)) {
      range.deleteContents();
      range.insertNode(range.createContextualFragment(html));
    }
    sync();
  };

  var asParagraphs = function (text) {
    var d = document.createElement('div');
    return text.split(/\r?\n/).filter(function (l) { return l.trim() !== ''; }).map(function (l) {
      d.textContent = l.trim();
      return '<p>' + d.innerHTML + '</p>';
    }).join('');
  };

  content.addEventListener('paste', function (e) {
    var dt = e.clipboardData;
    if (!dt) {
      return;
    }
    var html = dt.getData('text/html');
    var text = dt.getData('text/plain');
    e.preventDefault();
    if (!html && !text) {
      say('剪贴板中没有文字。图片请作为附件上传。');
      return;
    }
    var sel = window.getSelection();
    var range = sel.rangeCount && content.contains(sel.getRangeAt(0).commonAncestorContainer) ? sel.getRangeAt(0).cloneRange() : null;
    var body = new URLSearchParams();
    body.set(html ? 'html' : 'text', html || text);
    say('正在整理粘贴的内容……');
    fetch(cleanURL, { method: 'POST', body: body, credentials: 'same-origin' }).then(function (r) {
      return r.text().then(function (t) {
        if (!r.ok) {
          throw new Error(t);
        }
        return t;
      });
    }).then(function (clean) {
      insert(clean, range);
      say('已粘贴。段落、标题、列表和表格已保留，字体、颜色等格式已去除。');
    }).catch(function (err) {
      insert(asParagraphs(text), range);
      say('未能整理粘贴的格式（' + (err.message || '网络错误') + '），已按纯文本粘贴。');
    });
  });

  // The import button needs a file; the hidden textarea carries the editor's content to the server.
  form.addEventListener('submit', function (e) {
    var button = e.submitter;
    var file = document.getElementById('body_docx');
    if (button && button.value === 'import' && file && !file.files.length) {
      e.preventDefault();
      say('请先选择要导入正文的 Word 文件（.docx）。');
      file.focus();
      return;
    }
    sync();
  });
}());
