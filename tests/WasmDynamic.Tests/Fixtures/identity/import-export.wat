;; import-export.wat -- the interface `t:x/a` is both imported and exported, and each side defines a resource
;; `thing`: the host's (imported) and the guest's (exported) are two resources.
(component
  (import "t:x/a" (instance $a-in
    (export "thing" (type (sub resource)))
    (type (own 0))
    (type (func (result 1)))
    (export "[constructor]thing" (func (type 2)))))
  (type $thing (resource (rep i32)))
  (instance $a-out (export "thing" (type $thing)))
  (export "t:x/a" (instance $a-out))
)
