;; abort.wat -- two interfaces define same-named records holding *different* resources. Reading this component's
;; world through Wasmtime's structural type equality aborted the process (a panic in `resources_equal`); the binary
;; reader keeps the two `r` records and the two `thing` resources apart.
(component
  (import "t:x/a" (instance (export "thing" (type (sub resource))) (type (own 0))
    (type (record (field "t" 1))) (export "r" (type (eq 2)))))
  (import "t:x/b" (instance (export "thing" (type (sub resource))) (type (own 0))
    (type (record (field "t" 1))) (export "r" (type (eq 2))))))
