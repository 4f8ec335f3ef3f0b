package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "modernc.org/sqlite"
)

func main() {
	db, err := sql.Open("sqlite", "file:"+os.Args[1]+"?_pragma=mmap_size(68719476736)")
	if err != nil {
		panic(err)
	}
	var n int64
	if err := db.QueryRow(`PRAGMA mmap_size`).Scan(&n); err != nil {
		panic(err)
	}
	fmt.Println("mmap_size", n)
}
