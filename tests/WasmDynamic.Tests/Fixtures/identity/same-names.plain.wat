;; same-names.wat -- names that collide by design (identity binding tests).
;;
;; WIT:
;;   package t:id;
;;   interface things { resource thing { constructor(n: u32); n: func() -> u32; } }
;;   interface calc {
;;     resource x { constructor(v: u32); add: static func(a: u32, b: u32) -> u32; }   // a + b + 1000
;;     add: func(a: u32, b: u32) -> u32;                                             // a + b
;;   }
;;   world w {
;;     import things;                       // the host's thing
;;     export things;                       // the guest's thing, of the same name: n() = 10 * n
;;     export calc;
;;     export use-thing: func(n: u32) -> u32;   // thing(n).n() on the HOST's thing
;;   }
(component
  (type $things-type (instance
    (export "thing" (type $t (sub resource)))
    (export "[constructor]thing" (func (param "n" u32) (result (own $t))))
    (export "[method]thing.n" (func (param "self" (borrow $t)) (result u32)))))
  (import "things" (instance $hthings (type $things-type)))
  (alias export $hthings "thing" (type $hthing))
  (alias export $hthings "[constructor]thing" (func $hthing-ctor))
  (alias export $hthings "[method]thing.n" (func $hthing-n))

  (type $gthing (resource (rep i32)))
  (type $x (resource (rep i32)))

  (core func $hthing-ctor-l (canon lower (func $hthing-ctor)))
  (core func $hthing-n-l (canon lower (func $hthing-n)))
  (core func $hthing-drop (canon resource.drop $hthing))
  (core func $gthing-new (canon resource.new $gthing))
  (core func $x-new (canon resource.new $x))

  (core module $m
    (import "h" "thing-new" (func $thing-new (param i32) (result i32)))
    (import "h" "thing-n" (func $thing-n (param i32) (result i32)))
    (import "h" "thing-drop" (func $thing-drop (param i32)))
    (import "g" "thing-new" (func $gthing-new (param i32) (result i32)))
    (import "g" "x-new" (func $x-new (param i32) (result i32)))
    (func (export "use-thing") (param $n i32) (result i32)
      (local $h i32) (local $v i32)
      (local.set $h (call $thing-new (local.get $n)))
      (local.set $v (call $thing-n (local.get $h)))
      (call $thing-drop (local.get $h))
      (local.get $v))
    (func (export "gthing-ctor") (param i32) (result i32) (call $gthing-new (local.get 0)))
    (func (export "gthing-n") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10)))
    (func (export "x-ctor") (param i32) (result i32) (call $x-new (local.get 0)))
    (func (export "x-add") (param i32 i32) (result i32) (i32.add (i32.add (local.get 0) (local.get 1)) (i32.const 1000)))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $mi (instantiate $m
    (with "h" (instance
      (export "thing-new" (func $hthing-ctor-l))
      (export "thing-n" (func $hthing-n-l))
      (export "thing-drop" (func $hthing-drop))))
    (with "g" (instance
      (export "thing-new" (func $gthing-new))
      (export "x-new" (func $x-new))))))

  (func $use-thing (param "n" u32) (result u32) (canon lift (core func $mi "use-thing")))
  (func $gthing-ctor (param "n" u32) (result (own $gthing)) (canon lift (core func $mi "gthing-ctor")))
  (func $gthing-n (param "self" (borrow $gthing)) (result u32) (canon lift (core func $mi "gthing-n")))
  (func $x-ctor (param "v" u32) (result (own $x)) (canon lift (core func $mi "x-ctor")))
  (func $x-add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $mi "x-add")))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $mi "add")))

  (component $things-shim
    (import "import-type-thing" (type $t (sub resource)))
    (import "import-constructor-thing" (func $c (param "n" u32) (result (own $t))))
    (import "import-method-thing-n" (func $n (param "self" (borrow $t)) (result u32)))
    (export $et "thing" (type $t))
    (export "[constructor]thing" (func $c) (func (param "n" u32) (result (own $et))))
    (export "[method]thing.n" (func $n) (func (param "self" (borrow $et)) (result u32))))
  (instance $gthings (instantiate $things-shim
    (with "import-type-thing" (type $gthing))
    (with "import-constructor-thing" (func $gthing-ctor))
    (with "import-method-thing-n" (func $gthing-n))))
  (export "things" (instance $gthings))

  (component $calc-shim
    (import "import-type-x" (type $t (sub resource)))
    (import "import-constructor-x" (func $c (param "v" u32) (result (own $t))))
    (import "import-static-x-add" (func $sa (param "a" u32) (param "b" u32) (result u32)))
    (import "import-func-add" (func $a (param "a" u32) (param "b" u32) (result u32)))
    (export $et "x" (type $t))
    (export "[constructor]x" (func $c) (func (param "v" u32) (result (own $et))))
    (export "[static]x.add" (func $sa))
    (export "add" (func $a)))
  (instance $calc (instantiate $calc-shim
    (with "import-type-x" (type $x))
    (with "import-constructor-x" (func $x-ctor))
    (with "import-static-x-add" (func $x-add))
    (with "import-func-add" (func $add))))
  (export "calc" (instance $calc))
  (export "use-thing" (func $use-thing))
)
