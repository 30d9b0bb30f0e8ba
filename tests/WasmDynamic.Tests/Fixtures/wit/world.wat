;; world.wat -- WIT model/text fixture: items at the world level.
;;
;; A resource with constructor, method and static function imported at the world level, a plain-named instance
;; (`host`), world functions, and two value types imported by name at the world level: `code` (from
;; demo:base/errors) and `record point`. `jco wit` prints:
;;
;;   world root {
;;     import demo:base/errors@0.1.0;
;;     import host: interface {
;;       now: func() -> u64;
;;     }
;;     use demo:base/errors@0.1.0.{code};
;;
;;     record point {
;;       x: f32,
;;       y: f32,
;;     }
;;
;;     resource thing {
;;       constructor(p: point);
;;       where: func() -> point;
;;       default: static func() -> thing;
;;     }
;;     import log: func(msg: string);
;;     import check: func(c: code) -> bool;
;;   }
;;
;; The reader reads the binary, so `point` keeps its name.
(component
  (type $errors-type (instance
    (type $code-def (enum "closed" "timeout"))
    (export "code" (type (eq $code-def)))
  ))
  (import "demo:base/errors@0.1.0" (instance $errors (type $errors-type)))
  (alias export $errors "code" (type $code))
  (import "log" (func (param "msg" string)))
  (import "code" (type $code-w (eq $code)))
  (type $point-def (record (field "x" f32) (field "y" f32)))
  (import "point" (type $point (eq $point-def)))
  (import "thing" (type $thing (sub resource)))
  (import "[constructor]thing" (func (param "p" $point) (result (own $thing))))
  (import "[method]thing.where" (func (param "self" (borrow $thing)) (result $point)))
  (import "[static]thing.default" (func (result (own $thing))))
  (import "host" (instance
    (export "now" (func (result u64)))))
  (import "check" (func (param "c" $code-w) (result bool)))
)
