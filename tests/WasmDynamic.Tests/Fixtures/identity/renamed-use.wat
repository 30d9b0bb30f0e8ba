;; renamed-use.wat -- `use a.{thing as other}`: an interface that refers to another interface's type under a new
;; name, next to a plain `use` and an alias within the interface (`type same = other`).
(component
  (import "t:r/a" (instance
    (type (record (field "x" u32)))
    (export "thing" (type (eq 0)))))
  (alias export 0 "thing" (type $thing))
  (import "t:r/b" (instance
    (alias outer 1 1 (type))
    (export "thing" (type (eq 0)))
    (export "other" (type (eq 0)))
    (export "same" (type (eq 2)))
    (type (func (param "o" 2) (param "s" 3) (result 1)))
    (export "f" (func (type 4)))))
)
