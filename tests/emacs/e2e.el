;;; e2e.el --- End-to-end test of `lync-lint lsp' in Emacs with Eglot  -*- lexical-binding: t -*-

;; Run by .ci/emacs-e2e.sh as `emacs --batch -Q -l tests/emacs/e2e.el', with:
;;   LYNC_LINT_BIN       the `lync-lint' binary
;;   LYNC_LINT_E2E_FILE  the environment file to open (a copy: it is edited, never saved)
;;   XDG_CACHE_HOME      a temporary directory (the server writes the pack's copy there)
;;
;; It opens the file with Eglot connected to `lync-lint lsp', waits for Flymake to show the
;; `enterprise-voice/pbx-replacement' finding on the line of `pbx-replacement', asks for
;; hover there (through Eglot's ElDoc function, as the echo area would), jumps to the rule's
;; definition with `xref-find-definitions', applies the waiver quick fix through
;; `eglot-code-actions' (as M-x eglot-code-action-quickfix does) and checks that the waiver
;; is in the buffer and the finding is gone from Flymake.  Prints `emacs-e2e: ok: ...' and
;; exits 0, or `emacs-e2e: FAILED: ...' and exits 1.

;;; Code:

(require 'package)
;; Debian's elpa-* packages (eglot and the versions of project, xref and seq it needs).
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'cl-lib)
(require 'eglot)
(require 'flymake)
(require 'xref)

(defconst e2e-timeout 60 "Seconds any one wait may take.")

(defun e2e-say (fmt &rest args)
  (princ (concat "emacs-e2e: " (apply #'format fmt args) "\n")))

(defun e2e-fail (fmt &rest args)
  (e2e-say "FAILED: %s" (apply #'format fmt args))
  (kill-emacs 1))

(defun e2e-wait (what pred)
  "Process events until PRED returns non-nil; fail naming WHAT after `e2e-timeout'."
  (let ((deadline (+ (float-time) e2e-timeout)) result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or result (e2e-fail "no %s within %d s" what e2e-timeout))))

;; Batch Emacs is never idle, so idle timers (Eglot sends `didChange' from one, once typing
;; pauses) would never run: this runs the due ones, as a pause in typing would.
(defun e2e-idle ()
  (dolist (timer (copy-sequence timer-idle-list))
    (timer-event-handler timer)))

;; No KDL mode ships with Emacs: a minimal one is enough to attach the server.
(define-derived-mode kdl-mode prog-mode "KDL"
  "Major mode for KDL documents (for this test)."
  (setq-local comment-start "// "))
(add-to-list 'auto-mode-alist '("\\.kdl\\'" . kdl-mode))

(defun e2e-findings (code)
  "The Flymake diagnostics of the buffer whose text names CODE."
  (cl-remove-if-not (lambda (d) (string-match-p (regexp-quote code) (flymake-diagnostic-text d)))
                    (flymake-diagnostics)))

(defun e2e-main ()
  (let* ((bin (or (getenv "LYNC_LINT_BIN") (e2e-fail "LYNC_LINT_BIN is not set")))
         (file (or (getenv "LYNC_LINT_E2E_FILE") (e2e-fail "LYNC_LINT_E2E_FILE is not set")))
         (code "enterprise-voice/pbx-replacement")
         (eglot-sync-connect t)
         (eglot-send-changes-idle-time 0.1))
    (add-to-list 'eglot-server-programs `(kdl-mode . (,bin "lsp")))
    (find-file file)
    (unless (eq major-mode 'kdl-mode) (e2e-fail "the file did not open in kdl-mode"))
    (let ((want-line (save-excursion (goto-char (point-min))
                                     (re-search-forward "^ *pbx-replacement")
                                     (line-number-at-pos))))
      ;; What M-x eglot does, with the guesses it would make.
      (apply #'eglot (eglot--guess-contact))
      (unless (eglot-current-server) (e2e-fail "Eglot did not connect to `%s lsp'" bin))
      (e2e-say "connected: %s" (plist-get (eglot--server-info (eglot-current-server)) :name))
      (unless flymake-mode (e2e-fail "Eglot did not turn on Flymake"))
      (flymake-start)

      ;; Diagnostics, in Flymake, on the right line.
      (let* ((d (car (e2e-wait "Flymake diagnostic for pbx-replacement" (lambda () (e2e-findings code)))))
             (line (line-number-at-pos (flymake-diagnostic-beg d))))
        (unless (= line want-line)
          (e2e-fail "the finding is on line %d, expected %d" line want-line))
        (unless (eq (flymake-diagnostic-type d) 'eglot-error)
          (e2e-fail "the finding is not an error: %S" (flymake-diagnostic-type d)))
        (e2e-say "flymake: %d diagnostics; %s on line %d" (length (flymake-diagnostics)) code line)

        ;; Hover, through Eglot's ElDoc function.
        (goto-char (flymake-diagnostic-beg d))
        (let (hover)
          (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover (or info ""))))
          (e2e-wait "hover" (lambda () hover))
          (unless (string-match-p (regexp-quote (concat "# " code)) hover)
            (e2e-fail "hover does not explain the rule: %S" (substring hover 0 (min 300 (length hover)))))
          (e2e-say "hover: %s" (car (split-string hover "\n"))))

        ;; Go to definition: the policy in the read-only copy of the built-in pack.
        (let ((env-buffer (current-buffer)))
          (call-interactively #'xref-find-definitions)
          (e2e-wait "definition" (lambda () (not (eq (current-buffer) env-buffer))))
          (let ((target (buffer-file-name))
                (cache (file-name-as-directory (or (getenv "XDG_CACHE_HOME") ""))))
            (unless (string-prefix-p cache target)
              (e2e-fail "the definition is not in the pack's copy under XDG_CACHE_HOME: %s" target))
            (unless (looking-at (regexp-quote (format "\"%s\"" code)))
              (e2e-fail "the definition is not the policy's id: %s: %S" target
                        (buffer-substring (line-beginning-position) (line-end-position))))
            (e2e-say "definition: %s:%d" (file-relative-name target cache) (line-number-at-pos)))
          (switch-to-buffer env-buffer))

        ;; The quick fix, as M-x eglot-code-action-quickfix and picking the waiver.
        (goto-char (flymake-diagnostic-beg d))
        (let ((last-nonmenu-event ?a)   ; a keyboard event: choose in the minibuffer
              (picked nil))
          (cl-letf (((symbol-function 'completing-read)
                     (lambda (_prompt collection &rest _)
                       (setq picked (cl-find-if (lambda (c) (string-prefix-p "Waive" (car c))) collection))
                       (if picked (car picked) (e2e-fail "no waiver among %S" (mapcar #'car collection))))))
            (eglot-code-actions (flymake-diagnostic-beg d) (flymake-diagnostic-end d) "quickfix" t))
          (unless (save-excursion (goto-char (point-min))
                                  (re-search-forward (format "^waiver \"%s\" reason=" (regexp-quote code)) nil t))
            (e2e-fail "the quick fix did not insert the waiver:\n%s" (buffer-string)))
          (e2e-say "quick fix applied: %s" (if picked (car picked) "the only quickfix")))

        ;; The server checks the edited text: the finding leaves Flymake.
        (e2e-wait "Flymake update after the quick fix" (lambda () (e2e-idle) (null (e2e-findings code))))
        (e2e-say "ok: %s shown on line %d, hover, definition and its waiver quick fix work; %d diagnostics left"
                 code want-line (length (flymake-diagnostics)))))
    (set-buffer-modified-p nil)
    (kill-emacs 0)))

(condition-case err
    (e2e-main)
  (error (e2e-fail "error: %s" (error-message-string err))))

;;; e2e.el ends here
