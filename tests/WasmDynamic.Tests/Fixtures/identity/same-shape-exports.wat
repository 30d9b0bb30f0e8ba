;; same-shape-exports.wat -- an exported interface (encoded the way wit-component encodes one: a nested component
;; that imports the functions and types and re-exports them) with two records of the same shape and an alias:
;;   record list-in-record1 { a: u32 }   record list-in-record2 { a: u32 }   type list-in-alias = list-in-record2;
;;   f1: func(x: list-in-record1) -> list-in-record1;  f2: func(x: list-in-record2) -> list-in-record2;
;;   f3: func(x: list-in-alias) -> list-in-record2;
;; Every function returns its argument (a one-field record is one flat i32: no memory needed).
(component
  (core module $m (func (export "id") (param i32) (result i32) local.get 0))
  (core instance $i (instantiate $m))
  (type $r1 (record (field "a" u32)))
  (type $r2 (record (field "a" u32)))
  (type $f1t (func (param "x" $r1) (result $r1)))
  (type $f2t (func (param "x" $r2) (result $r2)))
  (func $f1 (type $f1t) (canon lift (core func $i "id")))
  (func $f2 (type $f2t) (canon lift (core func $i "id")))
  (func $f3 (type $f2t) (canon lift (core func $i "id")))
  (component $c
    (type $r1d (record (field "a" u32)))
    (import "import-type-list-in-record1" (type $r1i (eq $r1d)))
    (type $r2d (record (field "a" u32)))
    (import "import-type-list-in-record2" (type $r2i (eq $r2d)))
    (type $f1it (func (param "x" $r1i) (result $r1i)))
    (import "import-func-f1" (func $f1i (type $f1it)))
    (type $f2it (func (param "x" $r2i) (result $r2i)))
    (import "import-func-f2" (func $f2i (type $f2it)))
    (import "import-func-f3" (func $f3i (type $f2it)))
    (export $r1e "list-in-record1" (type $r1i))
    (export $r2e "list-in-record2" (type $r2i))
    (export $ae "list-in-alias" (type $r2e))
    (type $f1et (func (param "x" $r1e) (result $r1e)))
    (export "f1" (func $f1i) (func (type $f1et)))
    (type $f2et (func (param "x" $r2e) (result $r2e)))
    (export "f2" (func $f2i) (func (type $f2et)))
    (type $f3et (func (param "x" $ae) (result $r2e)))
    (export "f3" (func $f3i) (func (type $f3et)))
  )
  (instance $inst (instantiate $c
    (with "import-func-f1" (func $f1))
    (with "import-func-f2" (func $f2))
    (with "import-func-f3" (func $f3))
    (with "import-type-list-in-record1" (type $r1))
    (with "import-type-list-in-record2" (type $r2))))
  (export "test:same/shapes" (instance $inst))
)
