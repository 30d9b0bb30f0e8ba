;; distinct.wat -- distinct WIT types of the same shape, and an alias of a named type.
;;
;;   package t:d;
;;   interface api {
;;     record list-in-record1 { a: u32 }
;;     record list-in-record2 { a: u32 }
;;     type list-in-alias = list-in-record2;
;;     make1: func(a: u32) -> list-in-record1;        // { a }
;;     make2: func(a: u32) -> list-in-record2;        // { a + 1 }
;;     echo-alias: func(x: list-in-alias) -> list-in-alias;   // { x.a * 2 }
;;   }
;;   world w { export api; }
(component
  (core module $m
    (func (export "make1") (param i32) (result i32) (local.get 0))
    (func (export "make2") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "echo") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
  (core instance $mi (instantiate $m))
  (type $r1 (record (field "a" u32)))
  (type $r2 (record (field "a" u32)))
  (func $make1 (param "a" u32) (result $r1) (canon lift (core func $mi "make1")))
  (func $make2 (param "a" u32) (result $r2) (canon lift (core func $mi "make2")))
  (func $echo (param "x" $r2) (result $r2) (canon lift (core func $mi "echo")))
  (component $api-shim
    (type $s1 (record (field "a" u32)))
    (import "import-type-list-in-record1" (type $r1 (eq $s1)))
    (type $s2 (record (field "a" u32)))
    (import "import-type-list-in-record2" (type $r2 (eq $s2)))
    (import "import-func-make1" (func $f1 (param "a" u32) (result $r1)))
    (import "import-func-make2" (func $f2 (param "a" u32) (result $r2)))
    (import "import-func-echo-alias" (func $f3 (param "x" $r2) (result $r2)))
    (export $e1 "list-in-record1" (type $r1))
    (export $e2 "list-in-record2" (type $r2))
    (export $ea "list-in-alias" (type $e2))
    (export "make1" (func $f1) (func (param "a" u32) (result $e1)))
    (export "make2" (func $f2) (func (param "a" u32) (result $e2)))
    (export "echo-alias" (func $f3) (func (param "x" $ea) (result $ea))))
  (instance $api (instantiate $api-shim
    (with "import-type-list-in-record1" (type $r1))
    (with "import-type-list-in-record2" (type $r2))
    (with "import-func-make1" (func $make1))
    (with "import-func-make2" (func $make2))
    (with "import-func-echo-alias" (func $echo))))
  (export "api" (instance $api))
)
