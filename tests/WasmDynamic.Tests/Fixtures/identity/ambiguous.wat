;; ambiguous.wat -- short names that fit two items.
;;
;;   import a:x/log { f: func() -> u32; }        // both imported interfaces are called "log"
;;   import b:y/log { f: func() -> u32; }
;;   export t:amb/api {
;;     resource p { make: static func() -> u32; }   // 1
;;     resource q { make: static func() -> u32; }   // 2
;;   }
;;   export sum: func() -> u32;                   // a:x/log.f() * 10 + b:y/log.f()
(component
  (import "a:x/log" (instance $a (export "f" (func (result u32)))))
  (import "b:y/log" (instance $b (export "f" (func (result u32)))))
  (alias export $a "f" (func $af))
  (alias export $b "f" (func $bf))
  (core func $af-l (canon lower (func $af)))
  (core func $bf-l (canon lower (func $bf)))
  (type $p (resource (rep i32)))
  (type $q (resource (rep i32)))
  (core module $m
    (import "h" "a" (func $a (result i32)))
    (import "h" "b" (func $b (result i32)))
    (func (export "sum") (result i32) (i32.add (i32.mul (call $a) (i32.const 10)) (call $b)))
    (func (export "one") (result i32) (i32.const 1))
    (func (export "two") (result i32) (i32.const 2)))
  (core instance $mi (instantiate $m (with "h" (instance (export "a" (func $af-l)) (export "b" (func $bf-l))))))
  (func $sum (result u32) (canon lift (core func $mi "sum")))
  (func $pmake (result u32) (canon lift (core func $mi "one")))
  (func $qmake (result u32) (canon lift (core func $mi "two")))
  (component $api-shim
    (import "import-type-p" (type $p (sub resource)))
    (import "import-type-q" (type $q (sub resource)))
    (import "import-static-p-make" (func $pm (result u32)))
    (import "import-static-q-make" (func $qm (result u32)))
    (export "p" (type $p))
    (export "q" (type $q))
    (export "[static]p.make" (func $pm))
    (export "[static]q.make" (func $qm)))
  (instance $api (instantiate $api-shim
    (with "import-type-p" (type $p))
    (with "import-type-q" (type $q))
    (with "import-static-p-make" (func $pmake))
    (with "import-static-q-make" (func $qmake))))
  (export "t:amb/api" (instance $api))
  (export "sum" (func $sum))
)
