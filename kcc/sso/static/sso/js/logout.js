// sso:logout — send the logout form to the identity provider at once; the button is there for
// browsers without JavaScript.
(function () {
  "use strict";
  var form = document.querySelector("form[data-sso-autosubmit]");
  if (form) {
    form.submit();
  }
})();
