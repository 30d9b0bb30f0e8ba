;; bcl-names.wat -- WIT names that are also common .NET type names (Task, ILogger, Random, Version).
;;
;;   package acme:todo;
;;   interface logger { log: func(level: u32); }
;;   interface todo {
;;     record task { id: u32 }
;;     record version { major: u32 }
;;     make: func(id: u32) -> task;          // { id + 1 }
;;     current: func() -> version;           // { 2 }
;;   }
;;   world w { import logger; export todo; export run: func() -> u32; }   // run: log(3); 7
(component
  (import "acme:todo/logger" (instance $logger (export "log" (func (param "level" u32)))))
  (alias export $logger "log" (func $log))
  (core func $log-l (canon lower (func $log)))
  (core module $m
    (import "h" "log" (func $log (param i32)))
    (func (export "make") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "current") (result i32) (i32.const 2))
    (func (export "run") (result i32) (call $log (i32.const 3)) (i32.const 7)))
  (core instance $mi (instantiate $m (with "h" (instance (export "log" (func $log-l))))))
  (type $task (record (field "id" u32)))
  (type $version (record (field "major" u32)))
  (func $make (param "id" u32) (result $task) (canon lift (core func $mi "make")))
  (func $current (result $version) (canon lift (core func $mi "current")))
  (func $run (result u32) (canon lift (core func $mi "run")))
  (component $todo-shim
    (type $s1 (record (field "id" u32)))
    (import "import-type-task" (type $t1 (eq $s1)))
    (type $s2 (record (field "major" u32)))
    (import "import-type-version" (type $t2 (eq $s2)))
    (import "import-func-make" (func $f1 (param "id" u32) (result $t1)))
    (import "import-func-current" (func $f2 (result $t2)))
    (export $e1 "task" (type $t1))
    (export $e2 "version" (type $t2))
    (export "make" (func $f1) (func (param "id" u32) (result $e1)))
    (export "current" (func $f2) (func (result $e2))))
  (instance $todo (instantiate $todo-shim
    (with "import-type-task" (type $task))
    (with "import-type-version" (type $version))
    (with "import-func-make" (func $make))
    (with "import-func-current" (func $current))))
  (export "acme:todo/todo" (instance $todo))
  (export "run" (func $run))
)
