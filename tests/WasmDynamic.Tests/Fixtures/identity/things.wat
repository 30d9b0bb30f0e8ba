;; things.wat -- `thing-in-and-out` defines its own `record thing`, with the same shape as `thing-in`'s; only
;; `uses-thing` really refers to `thing-in.thing` (`use thing-in.{thing}`).
(component
  (import "test:things/thing-in" (instance
    (type (record (field "name" string)))
    (export "thing" (type (eq 0)))
    (type (func (param "t" 1)))
    (export "put" (func (type 2)))))
  (alias export 0 "thing" (type $thing-in))
  (import "test:things/thing-in-and-out" (instance
    (type (record (field "name" string)))
    (export "thing" (type (eq 0)))
    (type (func (param "t" 1) (result 1)))
    (export "roundtrip" (func (type 2)))))
  (import "test:things/uses-thing" (instance
    (alias outer 1 1 (type))
    (export "thing" (type (eq 0)))
    (type (func (result 1)))
    (export "get" (func (type 2)))))
)
