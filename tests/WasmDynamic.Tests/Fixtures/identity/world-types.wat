;; world-types.wat -- named types at the world level: a primitive alias used by name, a record, an alias of that
;; record (`type b = a`), a `use` of an interface's type, and a world-level resource with functions.
(component
  (import "test:world/base" (instance
    (type (enum "low" "high"))
    (export "level" (type (eq 0)))))
  (alias export 0 "level" (type $level))
  (import "level" (type $level-w (eq $level)))
  (type $size-def u64)
  (import "filesize" (type $filesize (eq $size-def)))
  (type $point-def (record (field "x" $filesize) (field "y" $filesize)))
  (import "point" (type $point (eq $point-def)))
  (import "place" (type $place (eq $point)))
  (import "handle" (type $handle (sub resource)))
  (import "[constructor]handle" (func (param "at" $place) (result (own $handle))))
  (import "[method]handle.size" (func (param "self" (borrow $handle)) (result $filesize)))
  (import "measure" (func (param "p" $point) (param "l" $level-w) (result $filesize)))
)
