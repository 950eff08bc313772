print("kseries")
