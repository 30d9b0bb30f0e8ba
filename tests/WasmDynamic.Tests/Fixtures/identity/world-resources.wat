;; world-resources.wat -- resources and their functions at the world level, with no interface.
;;
;; WIT (the imported half is a world as WIT writes it; WIT has no syntax for the exported resource):
;;   world w {
;;     resource r { constructor(v: u32); get: func() -> u32; }    // implemented by the host
;;     export use-r: func(v: u32) -> u32;                           // r(v).get() + 1
;;   }
;;   exported at the root: resource y { constructor(v: u32); get: func() -> u32; }   // get() = v + 7
(component
  (import "r" (type $r (sub resource)))
  (import "[constructor]r" (func $r-ctor (param "v" u32) (result (own $r))))
  (import "[method]r.get" (func $r-get (param "self" (borrow $r)) (result u32)))

  (type $y (resource (rep i32)))
  (core func $r-ctor-l (canon lower (func $r-ctor)))
  (core func $r-get-l (canon lower (func $r-get)))
  (core func $r-drop (canon resource.drop $r))
  (core func $y-new (canon resource.new $y))

  (core module $m
    (import "h" "r-new" (func $r-new (param i32) (result i32)))
    (import "h" "r-get" (func $r-get (param i32) (result i32)))
    (import "h" "r-drop" (func $r-drop (param i32)))
    (import "g" "y-new" (func $y-new (param i32) (result i32)))
    (func (export "use-r") (param $n i32) (result i32)
      (local $h i32) (local $v i32)
      (local.set $h (call $r-new (local.get $n)))
      (local.set $v (i32.add (call $r-get (local.get $h)) (i32.const 1)))
      (call $r-drop (local.get $h))
      (local.get $v))
    (func (export "y-ctor") (param i32) (result i32) (call $y-new (local.get 0)))
    (func (export "y-get") (param i32) (result i32) (i32.add (local.get 0) (i32.const 7))))
  (core instance $mi (instantiate $m
    (with "h" (instance
      (export "r-new" (func $r-ctor-l))
      (export "r-get" (func $r-get-l))
      (export "r-drop" (func $r-drop))))
    (with "g" (instance (export "y-new" (func $y-new))))))

  (func $use-r (param "v" u32) (result u32) (canon lift (core func $mi "use-r")))
  (func $y-ctor (param "v" u32) (result (own $y)) (canon lift (core func $mi "y-ctor")))
  (func $y-get (param "self" (borrow $y)) (result u32) (canon lift (core func $mi "y-get")))
  (export "use-r" (func $use-r))
  (export $ey "y" (type $y))
  (export "[constructor]y" (func $y-ctor) (func (param "v" u32) (result (own $ey))))
  (export "[method]y.get" (func $y-get) (func (param "self" (borrow $ey)) (result u32)))
)
